// API token management over the REST API (admin tokens only): create (the token is in
// the answer once), list (never the token), revoke.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiTokenRepo } from '../auth/api-token-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { TokenVerifier } from './api-auth.js';
import { requireApiToken } from './api-auth.js';
import { sendError } from './error-reply.js';
import { parseOr400 } from './validate.js';
import { apiActor } from './api-actor.js';
import { idParamsSchema } from './strict-int.js';

export const createBody = z.strictObject({ name: z.string().trim().min(1).max(100), scope: z.enum(['admin', 'agent']) });
const idParams = z.strictObject({ id: z.coerce.number().int().positive() });

export function registerTokenRoutes(app: FastifyInstance, verifyToken: TokenVerifier, tokens: ApiTokenRepo, audit: AuditRepo): void {
  const admin = requireApiToken(verifyToken, 'admin');
  const actorOf = (request: FastifyRequest): string =>
    apiActor(request, (token) => {
      const id = tokens.idOf(token);
      return id === null ? 'api_token:bootstrap' : `api_token:${id}`;
    });

  app.get('/api/tokens', { onRequest: admin }, async () => ({ tokens: tokens.list() }));

  app.post('/api/tokens', { onRequest: admin }, async (request, reply) => {
    const body = parseOr400(createBody, request.body, reply, 'body');
    if (!body) return reply;
    const { token, info } = tokens.create({ name: body.name, scope: body.scope, createdBy: actorOf(request) });
    audit.record({
      actor: actorOf(request),
      action: 'api_token.created',
      subjectRef: `api_token:${info.id}`,
      detail: { scope: info.scope },
    });
    request.log.info({ tokenId: info.id, scope: info.scope }, 'api token created');
    return reply.code(201).send({ ...info, token });
  });

  app.delete('/api/tokens/:id', { schema: { params: idParamsSchema }, onRequest: admin }, async (request, reply) => {
    const p = parseOr400(idParams, request.params, reply, 'path');
    if (!p) return reply;
    if (!tokens.get(p.id)) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no API token with id ${p.id}`);
    const revoked = tokens.revoke(p.id);
    audit.record({ actor: actorOf(request), action: 'api_token.revoked', subjectRef: `api_token:${p.id}` });
    request.log.info({ tokenId: p.id }, 'api token revoked');
    return { id: p.id, revoked: true, alreadyRevoked: !revoked };
  });
}
