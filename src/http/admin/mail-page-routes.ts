// The admin page's issue-15 routes: attachment downloads for a signed-in admin, and the
// machine-mail list with its release/replay forms (post/redirect/get).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { MailHttpDeps } from '../mail-deps.js';
import { isIntakeError } from '../../errors/intake-error.js';
import { sendAttachment } from '../attachment-download.js';
import type { AdminDeps } from './admin-deps.js';
import { adminActor, currentSession, requireSession } from './admin-guard.js';
import { queryParam, sendPage } from './page-parts.js';
import { suppressedPage } from './suppressed-page.js';

const SHOWN = 100;
const idParams = z.strictObject({ id: z.coerce.number().int().positive() });

export function registerMailPageRoutes(app: FastifyInstance, mail: MailHttpDeps, admin: AdminDeps): void {
  const guard = requireSession(admin);

  app.get('/admin/attachments/:id', { preHandler: guard }, async (request, reply) => {
    const p = idParams.safeParse(request.params);
    return sendAttachment(reply, mail.attachments, p.success ? p.data.id : 0);
  });

  app.get('/admin/suppressed', { preHandler: guard }, async (request, reply) =>
    sendPage(
      reply,
      suppressedPage(
        mail.suppressed.list({ limit: SHOWN }),
        mail.suppressed.count(),
        currentSession(request).csrfToken,
        queryParam(request.query, 'done'),
      ),
    ),
  );

  for (const mode of ['release', 'replay'] as const) {
    app.post(`/admin/suppressed/:id/${mode}`, { preHandler: guard }, async (request, reply) => {
      const p = idParams.safeParse(request.params);
      let done = 'gone';
      if (p.success) {
        try {
          await mail.release(p.data.id, mode, adminActor(request));
          done = mode === 'release' ? 'released' : 'replayed';
        } catch (err) {
          if (!isIntakeError(err) || (err.code !== 'INTAKE_ERR_NOT_FOUND' && err.code !== 'INTAKE_ERR_BAD_REQUEST')) throw err;
        }
      }
      return reply.redirect(`/admin/suppressed?done=${done}`, 303);
    });
  }
}
