// The ticket pages' routes: recent tickets (newest first, keyset paging), one ticket with
// its messages, and an admin's spam verdict on a message, which the review service learns,
// applies to the ticket and audits.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { positiveIntParam } from '../validate.js';
import type { HttpDeps } from '../http-deps.js';
import type { ReviewHttpDeps } from '../review-deps.js';
import { markTicketMessage } from '../../review/message-review.js';
import { isIntakeError } from '../../errors/intake-error.js';
import type { AdminDeps } from './admin-deps.js';
import { adminActor, currentSession, formField, requireSession } from './admin-guard.js';
import { adminPage } from './layout.js';
import { queryParam, sendPage } from './page-parts.js';
import { ticketDetailPage } from './ticket-detail-page.js';
import { ticketListPage } from './ticket-list-page.js';

const PAGE_SIZE = 50;
const idParams = z.strictObject({ id: positiveIntParam });
/** `after` is the last ticket of the page before; the list runs newest first, so "after" means older. */
const afterQuery = positiveIntParam;
const verdict = z.enum(['spam', 'ham']);

export function registerTicketPageRoutes(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps, review: ReviewHttpDeps | undefined): void {
  const guard = requireSession(admin);

  app.get('/admin/tickets', { preHandler: guard }, async (request, reply) => {
    const after = afterQuery.safeParse(queryParam(request.query, 'after'));
    const tickets = deps.tickets.listNewest({ limit: PAGE_SIZE, beforeId: after.success ? after.data : undefined });
    const last = tickets[tickets.length - 1];
    const nextAfter = tickets.length === PAGE_SIZE && last ? last.id : undefined;
    return sendPage(reply, ticketListPage(tickets, currentSession(request).csrfToken, { nextAfter, first: !after.success }));
  });

  app.get('/admin/tickets/:id', { preHandler: guard }, async (request, reply) => {
    const params = idParams.safeParse(request.params);
    const ticket = params.success ? deps.tickets.get(params.data.id) : undefined;
    const csrfToken = currentSession(request).csrfToken;
    if (!ticket) {
      return sendPage(
        reply,
        adminPage('No such ticket', '<h1>No such ticket</h1><p><a href="/admin/tickets">Back to tickets</a></p>', { csrfToken }),
        404,
      );
    }
    return sendPage(
      reply,
      ticketDetailPage(ticket, { csrfToken, canReview: review !== undefined, done: queryParam(request.query, 'done') }),
    );
  });

  if (review) registerVerdictRoute(app, admin, review);
}

function registerVerdictRoute(app: FastifyInstance, admin: AdminDeps, review: ReviewHttpDeps): void {
  app.post('/admin/messages/:id/verdict', { preHandler: requireSession(admin) }, async (request, reply) => {
    const params = idParams.safeParse(request.params);
    const label = verdict.safeParse(formField(request, 'verdict'));
    if (!params.success || !label.success) return reply.redirect('/admin/tickets', 303);
    let ticketId: number | undefined;
    try {
      ticketId = (await markTicketMessage(review.review, params.data.id, label.data, adminActor(request))).ticketId;
    } catch (err) {
      // The message went with its mailbox meanwhile: back to the list rather than an error page.
      if (!isIntakeError(err) || err.code !== 'INTAKE_ERR_NOT_FOUND') throw err;
    }
    return reply.redirect(ticketId ? `/admin/tickets/${ticketId}?done=${label.data}` : '/admin/tickets', 303);
  });
}
