// The quarantine page's routes: the list of held messages, and the two verdicts an admin
// gives there. The review service does the work and the audit; this only maps a form post
// to it and redirects back with a result line (post/redirect/get).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { positiveIntParam } from '../validate.js';
import type { ReviewHttpDeps } from '../review-deps.js';
import { confirmQuarantined, releaseQuarantined } from '../../review/message-review.js';
import { spamDocKey } from '../../ingest/filter-spam-check.js';
import { isIntakeError } from '../../errors/intake-error.js';
import type { AdminDeps } from './admin-deps.js';
import { adminActor, currentSession, requireSession } from './admin-guard.js';
import { queryParam, sendPage } from './page-parts.js';
import { quarantinePage } from './quarantine-page.js';

/** A page, not an archive: older held mail is reached through the API or after review. */
const SHOWN = 100;
const idParams = z.strictObject({ id: positiveIntParam });

export function registerQuarantinePageRoutes(app: FastifyInstance, review: ReviewHttpDeps, admin: AdminDeps): void {
  const guard = requireSession(admin);

  app.get('/admin/quarantine', { preHandler: guard }, async (request, reply) => {
    const views = review.quarantine.list({ limit: SHOWN }).map((item) => ({
      item,
      learned: review.review.filter.trainedAs(spamDocKey(item.mailboxId, item.providerMessageId)),
    }));
    const ticketId = Number(queryParam(request.query, 'ticket'));
    const flash = {
      done: queryParam(request.query, 'done'),
      ticketId: Number.isSafeInteger(ticketId) && ticketId > 0 ? ticketId : undefined,
    };
    return sendPage(reply, quarantinePage(views, review.quarantine.count(), currentSession(request).csrfToken, flash));
  });

  app.post('/admin/quarantine/:id/release', { preHandler: guard }, async (request, reply) =>
    verdictPost(request, reply, async (id) => {
      const result = await releaseQuarantined(review.review, id, adminActor(request));
      return `released&ticket=${result.ticketId}`;
    }),
  );

  app.post('/admin/quarantine/:id/confirm', { preHandler: guard }, async (request, reply) =>
    verdictPost(request, reply, async (id) => {
      await confirmQuarantined(review.review, id, adminActor(request));
      return 'confirmed';
    }),
  );
}

/** A message released or purged meanwhile (another tab, another admin) is a result line, not an error page. */
async function verdictPost(request: FastifyRequest, reply: FastifyReply, act: (id: number) => Promise<string>): Promise<FastifyReply> {
  const params = idParams.safeParse(request.params);
  let done = 'gone';
  if (params.success) {
    try {
      done = await act(params.data.id);
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }
  return reply.redirect(`/admin/quarantine?done=${done}`, 303);
}

function isGone(err: unknown): boolean {
  return isIntakeError(err) && (err.code === 'INTAKE_ERR_NOT_FOUND' || err.code === 'INTAKE_ERR_BAD_REQUEST');
}
