// Mailboxes over the REST API (admin tokens): list with health, start a Gmail connection
// (returns Google's consent URL), add an IMAP mailbox with a password, and disconnect with
// optional deletion of its tickets.
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
// An IMAP mailbox with a password (any server). The port defaults from the security: 993 for
// TLS, 143 otherwise. The password is only ever sent to that server.
export const imapAccountBody = z
  .strictObject({
    email: z.email(),
    host: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9.:[\]-]+$/, 'expected a host name or IP address such as imap.example.com'),
    port: z.number().int().min(1).max(65535).optional(),
    security: z.enum(['tls', 'starttls', 'plain']).default('tls'),
    username: z.string().min(1).max(320).optional(),
    password: z.string().min(1).max(1024),
    folder: z.string().min(1).max(200).default('INBOX'),
    backfill: backfillField.optional(),
  })
  .transform((b) => ({ ...b, port: b.port ?? (b.security === 'tls' ? 993 : 143), username: b.username ?? b.email }));
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

  app.post('/api/mailboxes/imap', { onRequest: admin }, async (request, reply) => {
    if (!deps.addImap) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', 'IMAP mailboxes are not served here');
    const body = parseOr400(imapAccountBody, request.body, reply, 'body');
    if (!body) return reply;
    const { backfill, ...account } = body;
    const result = await deps.addImap(
      { ...account, ...(backfill ? { backfill: formatBackfillChoice(backfill) } : {}) },
      apiActor(request, deps.tokenActor),
    );
    deps.syncNow(result.mailbox.id);
    const m = result.mailbox;
    return reply.code(result.created ? 201 : 200).send({
      mailbox: { id: m.id, email: m.email, source: m.source, state: m.state },
      created: result.created,
      messagesInFolder: result.messages,
    });
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
