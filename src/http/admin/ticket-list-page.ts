// Renders the recent tickets, newest first: subject, requester, status, and a badge when
// the filter was unsure about one of its messages. Pure: data in, HTML out.
import type { TicketSummary } from '../../store/ticket-query.js';
import { escapeHtml } from '../html.js';
import { adminPage } from './layout.js';
import { timeTag } from './page-parts.js';

const STATUS_CSS: Record<string, string> = { open: 'status-open', pending: 'status-pending', closed: 'status-closed', spam: 'status-spam' };

export function statusBadge(status: string): string {
  return `<span class="badge status ${STATUS_CSS[status] ?? ''}">${escapeHtml(status)}</span>`;
}

export function reviewBadge(needsReview: boolean): string {
  return needsReview ? ' <span class="badge needs-review">needs review</span>' : '';
}

/** `nextAfter` is the last ticket's id when there may be more; `first` is false on later pages. */
export function ticketListPage(tickets: TicketSummary[], csrfToken: string, page: { nextAfter?: number; first: boolean }): string {
  const list =
    tickets.length === 0
      ? `<p class="muted" id="no-tickets">${page.first ? 'No tickets yet: connect a mailbox and its mail becomes tickets.' : 'No older tickets.'}</p>`
      : `<ul class="ticket-list" id="tickets">${tickets.map(ticketItem).join('')}</ul>`;
  const links = [
    page.first ? '' : '<a class="button secondary" href="/admin/tickets">Newest</a>',
    page.nextAfter ? `<a class="button secondary" id="older" href="/admin/tickets?after=${page.nextAfter}">Older</a>` : '',
  ].join('');
  return adminPage('Tickets', `<h1>Tickets</h1>${list}<div class="row">${links}</div>`, { csrfToken, currentPath: '/admin/tickets' });
}

function ticketItem(t: TicketSummary): string {
  return `<li class="card ticket" data-ticket-id="${t.id}">
<h2><a href="/admin/tickets/${t.id}">${escapeHtml(t.subject || '(no subject)')}</a></h2>
${statusBadge(t.status)}${reviewBadge(t.needsReview)}
<p class="muted meta">#${t.id} · ${escapeHtml(t.requester ?? 'unknown requester')} · ${t.messageCount} message${t.messageCount === 1 ? '' : 's'} · updated ${timeTag(t.updatedAt)}</p>
</li>`;
}
