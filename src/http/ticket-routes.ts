// The agents' REST API for tickets: a page of tickets (keyset on id) and one ticket with
// its messages. Behind an API token; request shapes validated by zod with clear errors.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HttpDeps } from './http-deps.js';
import { requireApiToken } from './api-auth.js';
import { sendError } from './error-reply.js';
import { parseOr400 } from './validate.js';
import { idParamsSchema, intQuerySchema } from './strict-int.js';

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.coerce.number().int().min(0).optional(),
  mailbox: z.coerce.number().int().positive().optional(),
  status: z.enum(['open', 'pending', 'closed', 'spam']).optional(),
  // By last activity: a reply on an old ticket brings it back to a poller (store/ticket-query.ts).
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  order: z.enum(['id', 'activity']).default('id'),
  afterActivity: z
    .string()
    .regex(/^\d+:\d+$/, 'expected the `next` cursor of the previous page')
    .optional(),
});
const idParams = z.strictObject({ id: z.coerce.number().int().positive() });

function byActivity(deps: HttpDeps, q: z.infer<typeof listQuery>) {
  const [at, id] = (q.afterActivity ?? '').split(':').map(Number);
  const tickets = deps.tickets.listByActivity({
    limit: q.limit,
    updatedSince: q.updatedSince ? Date.parse(q.updatedSince) : undefined,
    after: at !== undefined && id !== undefined && q.afterActivity ? { at, id } : undefined,
    mailboxId: q.mailbox,
    status: q.status,
  });
  const last = tickets[tickets.length - 1];
  const params = new URLSearchParams({ limit: String(q.limit), order: 'activity' });
  if (q.updatedSince) params.set('updatedSince', q.updatedSince);
  if (last) params.set('afterActivity', `${Date.parse(last.updatedAt)}:${last.id}`);
  return { tickets, next: tickets.length === q.limit && last ? `/api/tickets?${params.toString()}` : null };
}

export function registerTicketRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const auth = requireApiToken(deps.verifyToken, 'agent');

  app.get(
    '/api/tickets',
    { schema: { querystring: intQuerySchema({ limit: 'positive', after: 'nonNegative', mailbox: 'positive' }) }, onRequest: auth },
    async (request, reply) => {
      const q = parseOr400(listQuery, request.query, reply, 'query');
      if (!q) return reply;
      if (q.order === 'activity' || q.updatedSince) return byActivity(deps, q);
      const tickets = deps.tickets.list({ limit: q.limit, afterId: q.after, mailboxId: q.mailbox, status: q.status });
      const last = tickets[tickets.length - 1];
      return { tickets, next: tickets.length === q.limit && last ? `/api/tickets?limit=${q.limit}&after=${last.id}` : null };
    },
  );

  app.get('/api/tickets/:id', { schema: { params: idParamsSchema }, onRequest: auth }, async (request, reply) => {
    const p = parseOr400(idParams, request.params, reply, 'path');
    if (!p) return reply;
    const ticket = deps.tickets.get(p.id);
    if (!ticket) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no ticket with id ${p.id}`);
    return ticket;
  });
}
