// The admin page's preview and confirm of a mailbox's first import: GET shows what a
// choice would import, POST confirms it and starts the import.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HttpDeps } from '../http-deps.js';
import type { AdminDeps } from './admin-deps.js';
import { currentSession, formField, requireSession } from './admin-guard.js';
import { choiceFromForm, previewPage } from './backfill-page.js';
import { sendPage, queryParam } from './page-parts.js';
import { positiveIntParam } from '../validate.js';
import { isChoiceError, parseBackfillChoice } from '../../sync/backfill-choice.js';
import { confirmBackfill } from '../sync-routes.js';
import { isIntakeError } from '../../errors/intake-error.js';

const idParams = z.strictObject({ id: positiveIntParam });

export function registerBackfillPageRoutes(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps): void {
  const guard = requireSession(admin);
  const sync = deps.sync;

  app.get('/admin/mailboxes/:id/preview', { preHandler: guard }, async (request, reply) => {
    const params = idParams.safeParse(request.params);
    const mailbox = params.success ? deps.mailboxes.get(params.data.id) : undefined;
    if (!mailbox) return reply.redirect('/admin', 303);
    const stored = deps.mailboxes.syncState(mailbox.id)?.backfillChoice ?? 'all';
    const asked = queryParam(request.query, 'backfill');
    const text = asked ? choiceFromForm(asked, queryParam(request.query, 'backfillDays') ?? '') : stored;
    const choice = parseBackfillChoice(text);
    const csrf = currentSession(request).csrfToken;
    if (isChoiceError(choice)) return sendPage(reply, previewPage(mailbox, null, stored, csrf, choice.error), 400);
    if (!sync) return sendPage(reply, previewPage(mailbox, null, text, csrf, 'Preview is not available in this process.'), 503);
    try {
      return sendPage(reply, previewPage(mailbox, await sync.preview(mailbox, choice), text, csrf));
    } catch (err) {
      if (!isIntakeError(err)) throw err;
      return sendPage(reply, previewPage(mailbox, null, text, csrf, `Gmail could not be read: ${err.message}`), 502);
    }
  });

  app.post('/admin/mailboxes/:id/backfill', { preHandler: guard }, async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.redirect('/admin', 303);
    const choice = parseBackfillChoice(choiceFromForm(formField(request, 'backfill'), formField(request, 'backfillDays')));
    if (isChoiceError(choice)) return reply.redirect(`/admin/mailboxes/${params.data.id}/preview`, 303);
    const result = confirmBackfill(deps, params.data.id, choice);
    return reply.redirect(`/admin?notice=${result.ok ? 'import_started' : 'import_not_waiting'}`, 303);
  });
}
