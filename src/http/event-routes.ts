// The change feed for pollers (GET /api/events: every committed event, in commit order, from a
// cursor) and the agents' ticket status change (PATCH /api/tickets/:id), audited with the token.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HttpDeps } from './http-deps.js';
import type { DeliveryHttpDeps } from './delivery-deps.js';
import { requireApiToken } from './api-auth.js';
import { sendError } from './error-reply.js';
import { parseOr400, positiveIntParam } from './validate.js';
import { NON_NEGATIVE_INT_PATTERN } from './strict-int.js';
import { apiActor } from './request-actor.js';
import { routeDoc } from './openapi/route-doc.js';
import { EVENT_TYPES, eventsOf } from '../store/event-repo.js';

const feedQuery = z.strictObject({
  after: z
    .string()
    .regex(new RegExp(NON_NEGATIVE_INT_PATTERN), 'expected the cursor of the last event you read (or 0 to start from the beginning)')
    .default('0'),
  limit: positiveIntParam.pipe(z.number().max(1000)).default(100),
});
const idParams = z.strictObject({ id: positiveIntParam });
const statusBody = z.strictObject({ status: z.enum(['open', 'pending', 'closed']) });

export const eventSchema = z.object({
  id: z.string().describe('Stable id: receivers dedupe on it'),
  type: z.enum(EVENT_TYPES),
  createdAt: z.string(),
  sequence: z.number().int().nullable().describe('1, 2, 3… per ticket in commit order; null for events about no ticket'),
  cursor: z.string().describe('Pass as `after` to read the events that follow'),
  traceId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

export function registerEventRoutes(app: FastifyInstance, deps: HttpDeps, delivery: DeliveryHttpDeps): void {
  const agent = requireApiToken(deps.verifyToken, 'agent');
  const events = eventsOf(deps.db);

  app.get(
    '/api/events',
    {
      onRequest: agent,
      ...routeDoc({
        tags: ['events'],
        summary: 'Every committed event after a cursor, in commit order (none skipped)',
        auth: 'agent',
        querystring: feedQuery,
        response: { 200: z.object({ events: z.array(eventSchema), next: z.string().describe('The cursor to pass next time') }) },
        errors: [400],
      }),
    },
    async (request, reply) => {
      const q = parseOr400(feedQuery, request.query, reply, 'query');
      if (!q) return reply;
      const page = events.after(Number(q.after), q.limit);
      return { events: page, next: page[page.length - 1]?.cursor ?? q.after };
    },
  );

  app.patch(
    '/api/tickets/:id',
    {
      onRequest: agent,
      ...routeDoc({
        tags: ['tickets'],
        summary: "Set a ticket's status (open, pending, closed); audited with the API token",
        auth: 'agent',
        params: idParams,
        body: statusBody,
        response: { 200: z.object({ id: z.number(), status: z.string(), previousStatus: z.string() }) },
        errors: [400, 404],
      }),
    },
    async (request, reply) => {
      const p = parseOr400(idParams, request.params, reply, 'path');
      const body = p && parseOr400(statusBody, request.body, reply, 'body');
      if (!p || !body) return reply;
      const actor = apiActor(deps.db, request);
      const previous = deps.db.transaction(() => {
        const prior = delivery.tickets.setTicketStatus(p.id, body.status, actor);
        if (prior !== undefined && prior !== body.status) {
          delivery.audit.record({
            actor,
            action: 'ticket.status_changed',
            subjectRef: `ticket:${p.id}`,
            detail: { from: prior, to: body.status },
          });
        }
        return prior;
      })();
      if (previous === undefined) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no ticket with id ${p.id}`);
      delivery.deliverer.kick();
      return { id: p.id, status: body.status, previousStatus: previous };
    },
  );
}
