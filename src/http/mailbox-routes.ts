// Mailboxes over the REST API (admin tokens): list with health, start a Gmail connection
// (returns Google's consent URL), and disconnect with optional deletion of its tickets.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HttpDeps } from './http-deps.js';
import { requireApiToken } from './api-auth.js';
import { sendError } from './error-reply.js';
import { parseOr400 } from './validate.js';
import { idParamsSchema } from './strict-int.js';
import { mailboxHealth } from './mailbox-health.js';
import { deadLetterSummary } from './dead-letter-summary.js';
import { backfillField } from './backfill-field.js';
import { formatBackfillChoice } from '../sync/backfill-choice.js';
import { apiActor } from './api-actor.js';

export const connectBody = z.strictObject({
  source: z.enum(['gmail', 'imap']).default('gmail'),
  loginHint: z.email().optional(),
  // 'all' | 'none' | 'days:N' | { days: N }: what the first sync imports (default sync.backfill).
  backfill: backfillField.optional(),
  // Hold the first import until POST /api/mailboxes/:id/backfill confirms it (default sync.previewFirst).
  preview: z.boolean().optional(),
});
const idParams = z.strictObject({ id: z.coerce.number().int().positive() });
export const deleteQuery = z.strictObject({ deleteTickets: z.enum(['true', 'false']).default('false') });

export function registerMailboxRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const admin = requireApiToken(deps.verifyToken, 'admin');

  app.get('/api/mailboxes', { onRequest: admin }, async () => {
    const dead = await deadLetterSummary(deps);
    return {
      mailboxes: deps.mailboxes.list().map((m) => ({
        ...mailboxHealth(m, deps.mailboxes.syncState(m.id), deps.pollIntervalSeconds),
        deadLetters: dead.byMailbox.get(m.id) ?? 0,
        email: m.email,
        source: m.source,
        scopes: m.scopes,
        connectedAt: new Date(m.createdAt).toISOString(),
      })),
    };
  });

  app.post('/api/mailboxes/connect', { onRequest: admin }, async (request, reply) => {
    const body = parseOr400(connectBody, request.body, reply, 'body');
    if (!body) return reply;
    const authUrl = await deps.connector.begin({
      source: body.source,
      loginHint: body.loginHint,
      ...(body.backfill ? { backfill: formatBackfillChoice(body.backfill) } : {}),
      ...(body.preview === undefined ? {} : { preview: body.preview }),
      actor: apiActor(request, deps.tokenActor),
    });
    return { authUrl, expiresInSeconds: 600 };
  });

  app.delete('/api/mailboxes/:id', { schema: { params: idParamsSchema }, onRequest: admin }, async (request, reply) => {
    const p = parseOr400(idParams, request.params, reply, 'path');
    const q = parseOr400(deleteQuery, request.query, reply, 'query');
    if (!p || !q) return reply;
    if (!deps.mailboxes.get(p.id)) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no mailbox with id ${p.id}`);
    const result = await deps.disconnect(p.id, { deleteTickets: q.deleteTickets === 'true', actor: apiActor(request, deps.tokenActor) });
    return { deleted: true, revokedAtGoogle: result.revoked };
  });
}
