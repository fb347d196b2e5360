// The privacy admin routes: erase (preview, then confirm by typing the address again),
// export as a download, retention (dry run shown, then run), the audit trail, the data
// inventory. The privacy service does the work and the audit; this maps forms to it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PrivacyService } from '../../privacy/privacy-service.js';
import { isIntakeError } from '../../errors/intake-error.js';
import type { AdminDeps } from './admin-deps.js';
import { adminActor, currentSession, formField, requireSession } from './admin-guard.js';
import { queryParam, sendPage } from './page-parts.js';
import { auditPage, eraseDonePage, erasePreviewPage, inventoryPage, privacyPage, retentionPage } from './privacy-pages.js';

const PAGE = 50;

const scopeOf = (request: FastifyRequest): 'tickets' | 'messages' => (formField(request, 'scope') === 'messages' ? 'messages' : 'tickets');
const csrf = (request: FastifyRequest): string => currentSession(request).csrfToken;

/**
 * A bad address is a page with the error, not an error page; so is a queue that could not be
 * searched (its message says what was erased and to retry).
 */
async function orBadInput(
  request: FastifyRequest,
  reply: FastifyReply,
  work: () => FastifyReply | Promise<FastifyReply>,
): Promise<FastifyReply> {
  try {
    return await work();
  } catch (err) {
    if (!isIntakeError(err) || (err.code !== 'INTAKE_ERR_BAD_REQUEST' && err.code !== 'INTAKE_ERR_QUEUE')) throw err;
    return sendPage(reply, privacyPage(csrf(request), err.message), err.code === 'INTAKE_ERR_QUEUE' ? 503 : 400);
  }
}

export function registerPrivacyPageRoutes(app: FastifyInstance, privacy: PrivacyService, admin: AdminDeps): void {
  const guard = { preHandler: requireSession(admin) };

  app.get('/admin/privacy', guard, async (request, reply) => sendPage(reply, privacyPage(csrf(request))));

  app.post('/admin/privacy/erase/preview', guard, async (request, reply) =>
    orBadInput(request, reply, async () => {
      const email = formField(request, 'email').trim();
      const preview = await privacy.erase({ email, scope: scopeOf(request), dryRun: true, actor: adminActor(request) });
      return sendPage(reply, erasePreviewPage(csrf(request), email, preview));
    }),
  );

  app.post('/admin/privacy/erase', guard, async (request, reply) =>
    orBadInput(request, reply, async () => {
      const email = formField(request, 'email').trim();
      if (email.toLowerCase() !== formField(request, 'confirm').trim().toLowerCase()) {
        return sendPage(reply, privacyPage(csrf(request), 'The confirmation did not match the address; nothing was erased.'), 400);
      }
      const receipt = await privacy.erase({ email, scope: scopeOf(request), dryRun: false, actor: adminActor(request) });
      return sendPage(reply, eraseDonePage(csrf(request), receipt));
    }),
  );

  app.post('/admin/privacy/export', guard, async (request, reply) =>
    orBadInput(request, reply, () => {
      const { archive } = privacy.export(formField(request, 'email'), adminActor(request));
      return reply
        .type('application/x-tar')
        .header('content-disposition', 'attachment; filename="intake-subject-export.tar"')
        .header('cache-control', 'no-store')
        .send(archive);
    }),
  );

  app.get('/admin/retention', guard, async (request, reply) =>
    sendPage(reply, retentionPage(csrf(request), privacy.retention({ dryRun: true, actor: adminActor(request) }))),
  );

  app.post('/admin/retention/run', guard, async (request, reply) => {
    const done = privacy.retention({ dryRun: false, actor: adminActor(request) });
    return sendPage(reply, retentionPage(csrf(request), privacy.retention({ dryRun: true, actor: adminActor(request) }), done));
  });

  app.get('/admin/audit', guard, async (request, reply) => {
    const before = Number(queryParam(request.query, 'before'));
    const entries = privacy.audit.page({ limit: PAGE, before: Number.isSafeInteger(before) && before > 0 ? before : undefined });
    const last = entries.at(-1);
    return sendPage(reply, auditPage(csrf(request), entries, privacy.verifyAudit(), entries.length === PAGE && last ? last.id : null));
  });

  app.get('/admin/inventory', guard, async (request, reply) => sendPage(reply, inventoryPage(csrf(request))));
}
