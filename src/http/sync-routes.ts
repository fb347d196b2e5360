// The backfill preview, its confirmation and import progress over the REST API (admin
// tokens): GET /api/mailboxes/:id/preview, POST /api/mailboxes/:id/backfill,
// GET /api/mailboxes/:id/progress. The daemon hands in the parts that reach Gmail.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HttpDeps } from './http-deps.js';
import { requireApiToken } from './api-auth.js';
import { sendError } from './error-reply.js';
import { parseOr400, positiveIntParam } from './validate.js';
import { routeDoc } from './openapi/route-doc.js';
import { backfillField } from './backfill-field.js';
import { backfillProgress } from '../sync/backfill-progress.js';
import { formatBackfillChoice, parseBackfillChoice, isChoiceError, type BackfillChoice } from '../sync/backfill-choice.js';
import type { SyncHttpDeps } from './sync-deps.js';

const idParams = z.strictObject({ id: positiveIntParam });
const previewQuery = z.strictObject({
  backfill: z.string().optional().describe('"all", "none" or "days:N" (default: the mailbox\'s choice)'),
});
const confirmBody = z.strictObject({ backfill: backfillField.optional() });

const counts = z.object({ ticket: z.number().int(), spam: z.number().int(), machine: z.number().int(), reply: z.number().int() });
const previewSchema = z.object({
  backfill: z.string(),
  count: z.number().int().describe('Messages the choice would import (a lower bound when exact is false)'),
  exact: z.boolean(),
  sampled: z.number().int(),
  sample: counts,
});
export const progressSchema = z
  .object({
    phase: z.enum(['awaiting_confirm', 'listing', 'importing', 'done', 'resyncing']),
    backfill: z.string(),
    imported: z.number().int(),
    total: z.number().int(),
    ratePerSecond: z.number().nullable(),
    etaSeconds: z.number().int().nullable(),
  })
  .nullable();

export function registerSyncRoutes(app: FastifyInstance, deps: HttpDeps, sync: SyncHttpDeps): void {
  const admin = requireApiToken(deps.verifyToken, 'admin');
  const tags = ['mailboxes'];

  app.get(
    '/api/mailboxes/:id/preview',
    {
      onRequest: admin,
      ...routeDoc({
        tags,
        summary: 'How many messages a backfill choice would import, and what a sample of them looks like',
        auth: 'admin',
        params: idParams,
        querystring: previewQuery,
        response: { 200: previewSchema },
        errors: [400, 404],
      }),
    },
    async (request, reply) => {
      const p = parseOr400(idParams, request.params, reply, 'path');
      const q = parseOr400(previewQuery, request.query, reply, 'query');
      if (!p || !q) return reply;
      const mailbox = deps.mailboxes.get(p.id);
      if (!mailbox) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no mailbox with id ${p.id}`);
      const stored = deps.mailboxes.syncState(p.id)?.backfillChoice ?? 'all';
      const choice = parseBackfillChoice(q.backfill ?? stored);
      if (isChoiceError(choice)) return sendError(reply, 'INTAKE_ERR_BAD_REQUEST', `query.backfill: ${choice.error}`);
      return sync.preview(mailbox, choice);
    },
  );

  app.post(
    '/api/mailboxes/:id/backfill',
    {
      onRequest: admin,
      ...routeDoc({
        tags,
        summary: 'Confirm (or change) the backfill choice of a mailbox that waits for it, and start the import',
        auth: 'admin',
        params: idParams,
        body: confirmBody,
        response: { 200: z.object({ backfill: z.string(), started: z.boolean() }) },
        errors: [400, 404],
      }),
    },
    async (request, reply) => {
      const p = parseOr400(idParams, request.params, reply, 'path');
      const body = parseOr400(confirmBody, request.body ?? {}, reply, 'body');
      if (!p || !body) return reply;
      const result = confirmBackfill(deps, p.id, body.backfill);
      if (!result.ok) {
        return sendError(reply, result.why === 'missing' ? 'INTAKE_ERR_NOT_FOUND' : 'INTAKE_ERR_BAD_REQUEST', message(p.id, result.why));
      }
      return { backfill: result.backfill, started: true };
    },
  );

  app.get(
    '/api/mailboxes/:id/progress',
    {
      onRequest: admin,
      ...routeDoc({
        tags,
        summary: 'Progress of the first import',
        auth: 'admin',
        params: idParams,
        response: { 200: z.object({ id: z.number().int(), state: z.string(), progress: progressSchema }) },
        errors: [400, 404],
      }),
    },
    async (request, reply) => {
      const p = parseOr400(idParams, request.params, reply, 'path');
      if (!p) return reply;
      const mailbox = deps.mailboxes.get(p.id);
      if (!mailbox) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no mailbox with id ${p.id}`);
      return { id: p.id, state: mailbox.state, progress: backfillProgress(mailbox, deps.mailboxes.syncState(p.id)) };
    },
  );
}

function message(id: number, why: 'missing' | 'started'): string {
  return why === 'missing'
    ? `no mailbox with id ${id}`
    : `mailbox ${id} has already started importing; the backfill choice applies only before the first import`;
}

/** Shared by the API and the admin page: sets the choice, releases the hold, syncs now. */
export function confirmBackfill(
  deps: Pick<HttpDeps, 'mailboxes' | 'syncNow'>,
  id: number,
  choice: BackfillChoice | undefined,
): { ok: true; backfill: string } | { ok: false; why: 'missing' | 'started' } {
  const state = deps.mailboxes.syncState(id);
  if (!deps.mailboxes.get(id) || !state) return { ok: false, why: 'missing' };
  if (state.backfillStartedAt !== null || state.historyId !== null) return { ok: false, why: 'started' };
  const text = choice ? formatBackfillChoice(choice) : (state.backfillChoice ?? 'all');
  deps.mailboxes.setBackfillChoice(id, text, false);
  deps.syncNow(id);
  return { ok: true, backfill: text };
}
