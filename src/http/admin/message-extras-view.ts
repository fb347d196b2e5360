// The parts of a ticket's message card that issue 15 added: which way it went and which rule
// threaded it, the quoted reply chain folded away, and its attachments with download links
// (or, over the cap, why the content was not kept). Pure: data in, HTML out.
import type { TicketMessageView } from '../../store/ticket-query.js';
import { escapeHtml } from '../html.js';

const RULE: Record<string, string> = {
  new: 'opened the ticket',
  gmail_thread: 'Gmail thread',
  reply_headers: 'reply headers',
  ticket_tag: 'ticket tag in the subject',
  subject: 'same sender and subject',
  bounce: 'delivery failure for a message of this ticket',
  legacy: 'Gmail thread or reply headers',
};

export function directionLine(m: TicketMessageView): string {
  const dir = m.direction === 'outbound' ? '<span class="badge outbound">Sent by the team</span>' : '';
  const rule = m.threadRule ? ` <span class="muted thread-rule">threaded by: ${escapeHtml(RULE[m.threadRule] ?? m.threadRule)}</span>` : '';
  return dir || rule ? `<p class="message-meta">${dir}${rule}</p>` : '';
}

export function quotedSection(m: TicketMessageView, maxChars: number): string {
  if (!m.quotedText.trim()) return '';
  const q = m.quotedText.length > maxChars ? `${m.quotedText.slice(0, maxChars)}\n…` : m.quotedText;
  return `<details class="quoted"><summary>Quoted text</summary><pre class="body">${escapeHtml(q)}</pre></details>`;
}

const kb = (n: number): string => (n < 1024 ? `${n} B` : `${Math.round(n / 102.4) / 10} KB`);

export function attachmentList(m: TicketMessageView): string {
  if (m.attachments.length === 0) return '';
  const items = m.attachments.map((a) => {
    const name = escapeHtml(a.filename || '(no name)');
    const meta = `<span class="muted">${escapeHtml(a.contentType)} · ${kb(a.size)}</span>`;
    if (!a.stored)
      return `<li class="attachment omitted">${name} ${meta} <span class="badge">not kept: ${escapeHtml(a.omittedReason ?? 'no content')}</span></li>`;
    return `<li class="attachment"><a href="/admin/attachments/${a.id}" download>${name}</a> ${meta}</li>`;
  });
  return `<section class="attachments"><h3>Attachments</h3><ul>${items.join('')}</ul></section>`;
}
