// The privacy REST API (admin tokens): erase a data subject, export what is held about an
// address, preview or run retention, and read the audit trail page by page.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from './http-deps.js';
import type { PrivacyService } from '../privacy/privacy-service.js';
import { requireApiToken } from './api-auth.js';
import { apiActor } from './api-actor.js';

const counts = { type: 'object', additionalProperties: { type: 'integer' } } as const;
const errorReply = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
} as const;

const eraseSchema = {
  tags: ['privacy'],
  summary: 'Erase everything held about one address (or only their messages); dryRun only counts',
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['email'],
    properties: {
      email: { type: 'string', minLength: 3, maxLength: 320 },
      scope: { type: 'string', enum: ['tickets', 'messages'], default: 'tickets' },
      dryRun: { type: 'boolean', default: false },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        subjectRef: { type: 'string' },
        scope: { type: 'string' },
        dryRun: { type: 'boolean' },
        counts,
        at: { type: 'string' },
        actor: { type: 'string' },
        auditId: { type: ['integer', 'null'] },
        walTruncated: { type: 'boolean' },
      },
    },
    400: errorReply,
  },
} as const;

const exportSchema = {
  tags: ['privacy'],
  summary: 'Everything held about one address, as a tar archive (subject.json + attachments); see docs/privacy.md',
  querystring: {
    type: 'object',
    additionalProperties: false,
    required: ['email'],
    properties: { email: { type: 'string', minLength: 3, maxLength: 320 } },
  },
  response: { 200: { type: 'string', format: 'binary', description: 'application/x-tar' }, 400: errorReply },
} as const;

const retentionReport = {
  type: 'object',
  properties: {
    dryRun: { type: 'boolean' },
    at: { type: 'string' },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        properties: { rule: { type: 'string' }, days: { type: 'number' }, cutoff: { type: 'string' }, counts },
      },
    },
    orphanContacts: { type: 'integer' },
    total: { type: 'integer' },
  },
} as const;

const retentionSchema = {
  tags: ['privacy'],
  summary: 'Run retention now, or with dryRun report the exact counts it would delete',
  body: { type: 'object', additionalProperties: false, properties: { dryRun: { type: 'boolean', default: true } } },
  response: { 200: retentionReport },
} as const;

const auditEntry = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    at: { type: 'string' },
    actor: { type: 'string' },
    action: { type: 'string' },
    subjectRef: { type: ['string', 'null'] },
    detail: {},
  },
} as const;

const auditSchema = {
  tags: ['audit'],
  summary: 'The audit trail, newest first; pass nextBefore as before for the next page',
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
      before: { type: 'integer', minimum: 1 },
      action: { type: 'string', maxLength: 100 },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: { entries: { type: 'array', items: auditEntry }, nextBefore: { type: ['integer', 'null'] } },
    },
  },
} as const;

const verifySchema = {
  tags: ['audit'],
  summary: 'Checks the audit hash chain: a row removed or edited in the database is named',
  response: {
    200: {
      type: 'object',
      properties: { ok: { type: 'boolean' }, rows: { type: 'integer' }, problems: { type: 'array', items: { type: 'string' } } },
    },
  },
} as const;

export function registerPrivacyRoutes(app: FastifyInstance, deps: HttpDeps, privacy: PrivacyService): void {
  const admin = requireApiToken(deps.verifyToken, 'admin');

  app.post('/api/privacy/erase', { preHandler: admin, schema: eraseSchema }, async (request) => {
    const body = request.body as { email: string; scope: 'tickets' | 'messages'; dryRun: boolean };
    return privacy.erase({ email: body.email, scope: body.scope, dryRun: body.dryRun, actor: apiActor(request, deps.tokenActor) });
  });

  app.get('/api/privacy/export', { preHandler: admin, schema: exportSchema }, async (request, reply) => {
    const { email } = request.query as { email: string };
    const { archive } = privacy.export(email, apiActor(request, deps.tokenActor));
    return reply
      .type('application/x-tar')
      .header('content-disposition', 'attachment; filename="intake-subject-export.tar"')
      .header('cache-control', 'no-store')
      .send(archive);
  });

  app.post('/api/privacy/retention', { preHandler: admin, schema: retentionSchema }, async (request) => {
    const { dryRun } = request.body as { dryRun: boolean };
    return privacy.retention({ dryRun, actor: apiActor(request, deps.tokenActor) });
  });

  app.get('/api/audit', { preHandler: admin, schema: auditSchema }, async (request) => {
    const q = request.query as { limit: number; before?: number; action?: string };
    const entries = privacy.audit.page(q);
    const last = entries.at(-1);
    return { entries, nextBefore: entries.length === q.limit && last ? last.id : null };
  });

  app.get('/api/audit/verify', { preHandler: admin, schema: verifySchema }, async () => privacy.verifyAudit());
}
