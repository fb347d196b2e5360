// Renders the spam quarantine: each held message with sender, subject, when it came, its
// score and the tokens that weighed most, and the two verdict forms (release as not spam,
// confirm as spam). Pure: data in, HTML out.
import type { QuarantinedSummary } from '../../store/quarantine-repo.js';
import { escapeHtml } from '../html.js';
import { adminPage, csrfField } from './layout.js';
import { flashLine, timeTag } from './page-parts.js';
import { EVIDENCE_LEGEND, evidenceList, evidenceOf, formatScore } from './spam-explain-view.js';

export interface QuarantineView {
  item: QuarantinedSummary;
  /** What the filter has already learned this message as, if an agent gave a verdict. */
  learned: 'spam' | 'ham' | null;
}

export interface QuarantineFlash {
  done?: string;
  ticketId?: number;
}

const DONE: Record<string, string> = {
  released: 'Released: the message is now a ticket, and the filter learned it as not spam.',
  confirmed: 'Confirmed as spam: the filter learned it. The message stays held until retention removes it.',
  gone: 'That message is no longer in the quarantine (already released or removed).',
};

export function quarantinePage(views: QuarantineView[], held: number, csrfToken: string, flash: QuarantineFlash = {}): string {
  const link =
    flash.done === 'released' && flash.ticketId
      ? ` <a href="/admin/tickets/${flash.ticketId}" id="released-ticket">Open ticket #${flash.ticketId}</a>`
      : '';
  const shown = views.length < held ? `<p class="muted">Showing the newest ${views.length} of ${held} held messages.</p>` : '';
  const list =
    views.length === 0
      ? '<p class="muted" id="quarantine-empty">Nothing is held: no message has been judged spam, or every one has been reviewed and released.</p>'
      : `${EVIDENCE_LEGEND}${views.map((v) => heldCard(v, csrfToken)).join('')}`;
  return adminPage(
    'Spam quarantine',
    `<h1>Spam quarantine</h1>${flashLine(flash.done, DONE, link)}
<p class="muted">Mail the filter judged spam is held here instead of becoming a ticket. Each verdict you give teaches the filter.</p>${shown}
<section id="quarantine">${list}</section>`,
    { csrfToken, currentPath: '/admin/quarantine' },
  );
}

function heldCard(view: QuarantineView, csrfToken: string): string {
  const q = view.item;
  const confirmed = view.learned === 'spam' ? ' <span class="badge verdict verdict-spam confirmed">Confirmed spam</span>' : '';
  return `<article class="card held" data-quarantine-id="${q.id}">
<h2>${escapeHtml(q.subject || '(no subject)')}${confirmed}</h2>
<dl><dt>From</dt><dd class="from">${escapeHtml(q.fromAddress || '(unknown sender)')}</dd>
<dt>Received</dt><dd>${timeTag(q.createdAt)}</dd>
<dt>Spam score</dt><dd class="score">${formatScore(q.score)}</dd></dl>
${evidenceList(evidenceOf(q.evidence))}
<div class="row">
<form method="post" action="/admin/quarantine/${q.id}/release">${csrfField(csrfToken)}<button class="release" type="submit">Not spam — release</button></form>
${view.learned === 'spam' ? '' : confirmForm(q.id, csrfToken)}
</div></article>`;
}

function confirmForm(id: number, csrfToken: string): string {
  return `<form method="post" action="/admin/quarantine/${id}/confirm">${csrfField(csrfToken)}<button class="danger confirm" type="submit">Spam — confirm</button></form>`;
}
