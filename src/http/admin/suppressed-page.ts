// Renders the machine mail the guard kept out of tickets: sender, subject, class and reason,
// with "Release into a ticket" and "Check again" forms. Pure: data in, HTML out.
import type { SuppressedSummary } from '../../store/suppressed-repo.js';
import { escapeHtml } from '../html.js';
import { adminPage, csrfField } from './layout.js';
import { flashLine, timeTag } from './page-parts.js';

const DONE: Record<string, string> = {
  released: 'Released: the message is now part of a ticket.',
  replayed: 'Checked again with the current rules.',
  gone: 'That message is no longer in the list (already released).',
};

export function suppressedPage(items: SuppressedSummary[], held: number, csrfToken: string, done?: string): string {
  const shown = items.length < held ? `<p class="muted">Showing the newest ${items.length} of ${held}.</p>` : '';
  const list =
    items.length === 0
      ? '<p class="muted" id="suppressed-empty">Nothing is held: no auto-reply, bounce, list mail or loop has been kept back.</p>'
      : items.map((s) => card(s, csrfToken)).join('');
  return adminPage(
    'Machine mail',
    `<h1>Machine mail</h1>${flashLine(done, DONE)}
<p class="muted">Auto-replies, bounces that match no ticket, abuse reports, list mail and loops past the per-sender limit are kept here instead of opening tickets. Nothing is dropped.</p>${shown}
<section id="suppressed">${list}</section>`,
    { csrfToken, currentPath: '/admin/suppressed' },
  );
}

function card(s: SuppressedSummary, csrfToken: string): string {
  return `<article class="card held" data-suppressed-id="${s.id}">
<h2>${escapeHtml(s.subject || '(no subject)')}</h2>
<dl><dt>From</dt><dd class="from">${escapeHtml(s.fromAddress || '(unknown sender)')}</dd>
<dt>Received</dt><dd>${timeTag(s.createdAt)}</dd>
<dt>Why</dt><dd class="reason"><span class="badge">${escapeHtml(s.guardClass)}</span> ${escapeHtml(s.reason)}</dd></dl>
<div class="row">
<form method="post" action="/admin/suppressed/${s.id}/release">${csrfField(csrfToken)}<button class="release" type="submit">Release into a ticket</button></form>
<form method="post" action="/admin/suppressed/${s.id}/replay">${csrfField(csrfToken)}<button class="secondary replay" type="submit">Check again</button></form>
</div></article>`;
}
