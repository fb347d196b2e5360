// Renders one ticket: its messages (sender, date, the text body escaped in a <pre>) and,
// per message, the filter's verdict, score and weightiest tokens with the "Mark spam" and
// "Not spam" forms. Pure: data in, HTML out.
import type { TicketMessageView, TicketSummary } from '../../store/ticket-query.js';
import { escapeHtml } from '../html.js';
import { adminPage, csrfField } from './layout.js';
import { flashLine, timeTag } from './page-parts.js';
import { EVIDENCE_LEGEND, evidenceList, formatScore, verdictBadge } from './spam-explain-view.js';
import { reviewBadge, statusBadge } from './ticket-list-page.js';
import { attachmentList, directionLine, quotedSection } from './message-extras-view.js';

/** A page is for reading; a multi-megabyte body would make it unusable on a phone. */
const BODY_CHARS = 20_000;

const DONE: Record<string, string> = {
  spam: 'Marked as spam: the filter learned it and the ticket was closed as spam.',
  ham: 'Marked as not spam: the filter learned it; a ticket closed as spam was reopened.',
};

export interface TicketDetailOptions {
  csrfToken: string;
  /** False when the daemon runs without the review service: the verdict forms are left out. */
  canReview: boolean;
  done?: string;
}

export function ticketDetailPage(ticket: TicketSummary & { messages: TicketMessageView[] }, o: TicketDetailOptions): string {
  const messages = ticket.messages.map((m) => messageCard(m, o)).join('');
  return adminPage(
    `Ticket #${ticket.id}`,
    `<p><a href="/admin/tickets">← Tickets</a></p><h1>${escapeHtml(ticket.subject || '(no subject)')}</h1>${flashLine(o.done, DONE)}
<p>${statusBadge(ticket.status)}${reviewBadge(ticket.needsReview)} <span class="muted">#${ticket.id} · ${escapeHtml(ticket.requester ?? 'unknown requester')}</span></p>
${EVIDENCE_LEGEND}<section id="messages">${messages}</section>`,
    { csrfToken: o.csrfToken, currentPath: '/admin/tickets' },
  );
}

function messageCard(m: TicketMessageView, o: TicketDetailOptions): string {
  const from = m.from.name ? `${m.from.name} <${m.from.address}>` : m.from.address;
  const body = m.text.length > BODY_CHARS ? `${m.text.slice(0, BODY_CHARS)}\n… (shortened; the full text is in the API)` : m.text;
  return `<article class="card message" data-message-id="${m.id}">
<dl><dt>From</dt><dd class="from">${escapeHtml(from || '(unknown sender)')}</dd>
<dt>Date</dt><dd>${timeTag(m.sentAt ?? m.receivedAt)}</dd></dl>${directionLine(m)}
${body.trim() ? `<pre class="body">${escapeHtml(body)}</pre>` : '<p class="muted">(no text body)</p>'}
${quotedSection(m, BODY_CHARS)}${attachmentList(m)}${m.direction === 'outbound' ? '' : spamSection(m, o)}</article>`;
}

function spamSection(m: TicketMessageView, o: TicketDetailOptions): string {
  const judged = m.spam
    ? `<p class="spam-line">${verdictBadge(m.spam.verdict)} <span class="score">score ${formatScore(m.spam.score)}</span></p>${evidenceList(m.spam.evidence)}`
    : '<p class="muted spam-line">No spam filter verdict is stored for this message (filter off, or released from the quarantine).</p>';
  const forms = o.canReview
    ? `<div class="row">${verdictForm(m.id, 'spam', 'Mark spam', 'danger mark-spam', o.csrfToken)}${verdictForm(m.id, 'ham', 'Not spam', 'secondary mark-ham', o.csrfToken)}</div>`
    : '';
  return `<div class="spam">${judged}${forms}</div>`;
}

function verdictForm(messageId: number, verdict: 'spam' | 'ham', label: string, css: string, csrfToken: string): string {
  return `<form method="post" action="/admin/messages/${messageId}/verdict">${csrfField(csrfToken)}<input type="hidden" name="verdict" value="${verdict}"><button class="${css}" type="submit">${label}</button></form>`;
}
