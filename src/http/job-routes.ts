// Dead letters over the REST API (admin tokens): list failed jobs and poison entries, and
// replay one (or all) through the same idempotent ingest path. No mail content is returned.
import type { FastifyInstance } from 'fastify';
import type { TokenVerifier } from './api-auth.js';
import { requireApiToken } from './api-auth.js';
import { sendError } from './error-reply.js';
import { listDeadLetters, retryAllDeadLetters, retryDeadLetter, type DeadLetterDeps } from '../jobs/dead-letters.js';

const errorBody = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
} as const;

const failedJob = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    queue: { type: 'string' },
    name: { type: 'string' },
    data: { type: 'object', additionalProperties: true },
    mailboxId: { type: ['integer', 'null'] },
    attempts: { type: 'integer' },
    errorCode: { type: ['string', 'null'] },
    errorMessage: { type: ['string', 'null'] },
    failedAt: { type: ['string', 'null'] },
  },
} as const;

const poisonEntry = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'poison:N, the id to retry' },
    mailboxId: { type: 'integer' },
    providerMessageId: { type: 'string' },
    providerThreadId: { type: ['string', 'null'] },
    sizeBytes: { type: 'integer' },
    errorCode: { type: 'string' },
    errorMessage: { type: 'string' },
    attempts: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const listSchema = {
  tags: ['jobs'],
  summary: 'Dead letters: failed jobs and poison entries',
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
      after: { type: 'string', maxLength: 300, description: 'list failed jobs after this job id' },
      afterPoison: { type: 'integer', minimum: 0, description: 'list poison entries after this number' },
    },
  },
  response: {
    200: { type: 'object', properties: { jobs: { type: 'array', items: failedJob }, poison: { type: 'array', items: poisonEntry } } },
  },
} as const;

const retrySchema = {
  tags: ['jobs'],
  summary: 'Replay a failed job (its id) or a poison entry (poison:N); `all` replays every one',
  params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 300 } } },
  response: {
    202: {
      type: 'object',
      properties: { id: { type: 'string' }, retried: { type: 'boolean' }, jobs: { type: 'integer' }, poison: { type: 'integer' } },
    },
    404: errorBody,
  },
} as const;

interface ListQuery {
  limit: number;
  after?: string;
  afterPoison?: number;
}

export function registerJobRoutes(app: FastifyInstance, verifyToken: TokenVerifier, deps: DeadLetterDeps): void {
  const admin = requireApiToken(verifyToken, 'admin');

  app.get<{ Querystring: ListQuery }>('/api/jobs/failed', { preHandler: admin, schema: listSchema }, async (request) => {
    const { jobs, poison } = await listDeadLetters(deps, request.query);
    return { jobs, poison: poison.map((p) => ({ ...p, id: `poison:${p.id}` })) };
  });

  app.post<{ Params: { id: string } }>('/api/jobs/:id/retry', { preHandler: admin, schema: retrySchema }, async (request, reply) => {
    const { id } = request.params;
    if (id === 'all') {
      const counts = await retryAllDeadLetters(deps);
      request.log.info(counts, 'dead letters replayed');
      return reply.code(202).send({ id, retried: true, ...counts });
    }
    if ((await retryDeadLetter(deps, id)) === 'not_found') {
      return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no failed job or poison entry with id ${id}; list them with GET /api/jobs/failed`);
    }
    request.log.info({ jobId: id }, 'dead letter replayed');
    return reply.code(202).send({ id, retried: true });
  });
}
