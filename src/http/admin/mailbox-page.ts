// Renders the mailbox list: each mailbox's state in words (with the reason when it needs
// re-consent), full-sync progress, last successful sync, tickets today, and the forms to
// connect Gmail, add an IMAP mailbox with a password, and disconnect. Pure: data in, HTML out.
import type { MailboxHealth } from '../mailbox-health.js';
import { escapeHtml } from '../html.js';
import { adminPage, csrfField } from './layout.js';
import { backfillFields, progressRow } from './backfill-page.js';

export interface MailboxView {
  health: MailboxHealth;
  email: string;
  ticketsToday: number;
}

const REASONS: Record<string, string> = {
  revoked_by_user: 'access was removed in the Google account',
  testing_mode_expiry: 'Google ended the grant after 7 days because the OAuth app is in Testing mode',
  password_changed: 'the Google account password was changed',
  admin_policy: 'a Google Workspace admin blocked access',
  imap_login_refused: 'the IMAP server refused the login (the password changed, or IMAP was turned off for the account)',
  scope_missing: 'Gmail access is no longer granted',
  unknown: 'Google refused the grant without saying why',
};

const STATE_LABEL: Record<MailboxHealth['state'], string> = {
  syncing: 'Syncing',
  backfilling: 'Importing existing mail',
  needs_reconsent: 'Needs re-consent',
  error: 'Error',
  disconnected: 'Disconnected',
};

export const NOTICES: Record<string, string> = {
  disconnected: 'The mailbox was disconnected and its access revoked at Google.',
  deleted: 'The mailbox and its tickets were deleted and its access revoked at Google.',
  revoke_pending: 'The mailbox was removed here; Google could not be reached, so the revocation will be retried automatically.',
  import_started: 'The import has started; its progress shows on the mailbox.',
  import_not_waiting: 'That mailbox was not waiting for an import choice: its import had already started.',
  imap_added: 'The IMAP mailbox signed in and was added; its mail is being read.',
  imap_invalid: 'The IMAP form was incomplete or malformed: give the address, a host name, a port from 1 to 65535 and the password.',
  imap_login_failed: 'The IMAP server refused the user name or password, or the folder does not exist. Nothing was stored.',
  imap_unreachable: 'The IMAP server could not be reached: check the host, port and security. Nothing was stored.',
  imap_exists: 'That address is already connected through Google. Disconnect it first to read it with a password.',
};

export function mailboxListPage(
  views: MailboxView[],
  csrfToken: string,
  notice?: string,
  backfill: { defaultChoice: string; previewFirst: boolean } = { defaultChoice: 'all', previewFirst: false },
  imap = false,
): string {
  const note = notice && NOTICES[notice] ? `<p class="notice" id="notice" role="status">${escapeHtml(NOTICES[notice])}</p>` : '';
  const list =
    views.length === 0
      ? '<p class="muted" id="no-mailboxes">No mailbox connected yet.</p>'
      : views.map((v) => mailboxCard(v, csrfToken)).join('');
  const imapSection = imap ? imapForm(csrfToken) : '';
  return adminPage(
    'Mailboxes',
    `<h1>Mailboxes</h1>${note}${connectForm(csrfToken, backfill)}${imapSection}<section id="mailboxes">${list}</section>`,
    {
      csrfToken,
      currentPath: '/admin',
    },
  );
}

function connectForm(csrfToken: string, backfill: { defaultChoice: string; previewFirst: boolean }): string {
  return `<form method="post" action="/admin/mailboxes/connect" class="card" id="connect-form">${csrfField(csrfToken)}
<label for="login-hint">Gmail address (optional)</label><input id="login-hint" name="loginHint" type="email" autocomplete="off">
<label for="source">Read it through</label><select id="source" name="source"><option value="gmail" selected>the Gmail API (read-only access)</option><option value="imap">IMAP (asks for full mail access)</option></select>
${backfillFields(backfill.defaultChoice, backfill.previewFirst)}
<div class="row"><button id="connect-gmail" type="submit">Connect Gmail</button></div></form>`;
}

/** Any IMAP server with a password; the password field is never filled back in. */
function imapForm(csrfToken: string): string {
  return `<form method="post" action="/admin/mailboxes/imap" class="card" id="imap-form">${csrfField(csrfToken)}
<h2>Add an IMAP mailbox with a password</h2>
<label for="imap-email">Address</label><input id="imap-email" name="email" type="email" required autocomplete="off">
<label for="imap-host">IMAP server</label><input id="imap-host" name="host" required autocomplete="off" placeholder="imap.example.org">
<label for="imap-security">Security</label><select id="imap-security" name="security"><option value="tls" selected>TLS (port 993)</option><option value="starttls">STARTTLS required (port 143)</option><option value="plain">none (loopback or a trusted network only)</option></select>
<label for="imap-port">Port (empty: from the security)</label><input id="imap-port" name="port" inputmode="numeric" autocomplete="off">
<label for="imap-username">User name (empty: the address)</label><input id="imap-username" name="username" autocomplete="off">
<label for="imap-password">Password</label><input id="imap-password" name="password" type="password" required autocomplete="new-password">
<label for="imap-folder">Folder</label><input id="imap-folder" name="folder" value="INBOX" autocomplete="off">
<div class="row"><button id="add-imap" type="submit">Sign in and add</button></div></form>`;
}

function mailboxCard(v: MailboxView, csrfToken: string): string {
  const h = v.health;
  const reason =
    h.state === 'needs_reconsent'
      ? `<dt>Why</dt><dd class="reason">${escapeHtml(REASONS[h.reason ?? 'unknown'] ?? h.reason ?? '')} — connect it again to resume.</dd>`
      : '';
  const error = h.lastError ? `<dt>Last error</dt><dd>${escapeHtml(h.lastError)}</dd>` : '';
  const progress = h.backfill
    ? `<dt>Progress</dt><dd><progress max="${h.backfill.total}" value="${h.backfill.done}"></progress> ${h.backfill.done} of ${h.backfill.total}</dd>`
    : '';
  return `<article class="card mailbox" data-mailbox-id="${h.id}">
<h2>${escapeHtml(v.email)}</h2>
<span class="state state-${h.state}">${STATE_LABEL[h.state]}</span>
<dl>${reason}${progress}${progressRow(h.progress, h.id)}<dt>Last successful sync</dt><dd class="last-sync">${h.lastSuccessfulSync ? `<time datetime="${h.lastSuccessfulSync}">${h.lastSuccessfulSync.replace('T', ' ').slice(0, 19)} UTC</time>` : 'never'}${h.stale ? ' (late)' : ''}</dd>
<dt>Tickets today</dt><dd class="tickets-today">${v.ticketsToday}</dd>${error}</dl>
<form method="post" action="/admin/mailboxes/${h.id}/disconnect" class="row">${csrfField(csrfToken)}
<label class="inline"><input type="checkbox" name="deleteTickets" value="on" class="delete-tickets"> also delete its tickets</label>
<button class="danger disconnect" type="submit">Disconnect</button></form>
</article>`;
}
