// Agents teach the spam filter here: a verdict on a ticket's message, the quarantine list
// with each message's explanation, release (a ticket + learn ham) and confirm (learn spam).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HttpDeps } from './http-deps.js';
import { requireApiToken } from './api-auth.js';
import { sendError } from './error-reply.js';
import { parseOr400 } from './validate.js';
import { idParamsSchema, intQuerySchema } from './strict-int.js';
import { confirmQuarantined, markTicketMessage, releaseQuarantined } from '../review/message-review.js';
import type { ReviewHttpDeps } from './review-deps.js';
import { apiActor } from './api-actor.js';

const idParams = z.strictObject({ id: z.coerce.number().int().positive() });
export const verdictBody = z.strictObject({ verdict: z.enum(['spam', 'ham']) });
export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  released: z.enum(['true', 'false']).default('false'),
});

export function registerReviewRoutes(app: FastifyInstance, deps: HttpDeps, review: ReviewHttpDeps): void {
  const actorOf = (request: FastifyRequest): string => apiActor(request, deps.tokenActor);
  const agent = requireApiToken(deps.verifyToken, 'agent');

  app.put('/api/messages/:id/verdict', { schema: { params: idParamsSchema }, onRequest: agent }, async (request, reply) => {
    const p = parseOr400(idParams, request.params, reply, 'path');
    const body = p && parseOr400(verdictBody, request.body, reply, 'body');
    if (!p || !body) return reply;
    return markTicketMessage(review.review, p.id, body.verdict, actorOf(request));
  });

  app.get('/api/messages/:id/explain', { schema: { params: idParamsSchema }, onRequest: agent }, async (request, reply) => {
    const p = parseOr400(idParams, request.params, reply, 'path');
    if (!p) return reply;
    const row = deps.db
      .prepare<[number], { spam_verdict: string | null; spam_score: number | null; spam_evidence: string | null }>(
        'SELECT spam_verdict, spam_score, spam_evidence FROM messages WHERE id = ?',
      )
      .get(p.id);
    if (!row) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no message with id ${p.id}`);
    return {
      verdict: row.spam_verdict,
      score: row.spam_score,
      evidence: row.spam_evidence ? (JSON.parse(row.spam_evidence) as unknown) : [],
    };
  });

  app.get(
    '/api/quarantine',
    { schema: { querystring: intQuerySchema({ limit: 'positive' }) }, onRequest: agent },
    async (request, reply) => {
      const q = parseOr400(listQuery, request.query, reply, 'query');
      if (!q) return reply;
      return { quarantined: review.quarantine.list({ limit: q.limit, includeReleased: q.released === 'true' }) };
    },
  );

  app.post('/api/quarantine/:id/release', { schema: { params: idParamsSchema }, onRequest: agent }, async (request, reply) => {
    const p = parseOr400(idParams, request.params, reply, 'path');
    if (!p) return reply;
    return releaseQuarantined(review.review, p.id, actorOf(request));
  });

  app.post('/api/quarantine/:id/confirm', { schema: { params: idParamsSchema }, onRequest: agent }, async (request, reply) => {
    const p = parseOr400(idParams, request.params, reply, 'path');
    if (!p) return reply;
    return confirmQuarantined(review.review, p.id, actorOf(request));
  });
}
