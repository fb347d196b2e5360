// Mounts the admin page (sign-in, mailboxes, tickets, the spam quarantine, its stylesheet)
// and the token API on the app.
// The cookie plugin is registered by buildServer, before any route.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.js';
import type { AdminDeps } from './admin-deps.js';
import { ADMIN_CSS, ADMIN_CSS_PATH } from './admin-css.js';
import { registerLoginRoutes } from './login-routes.js';
import { registerMailboxPageRoutes } from './mailbox-page-routes.js';
import { registerTicketPageRoutes } from './ticket-page-routes.js';
import { registerQuarantinePageRoutes } from './quarantine-page-routes.js';
import { registerTokenRoutes } from '../token-routes.js';
import { registerWebhookPageRoutes } from './webhook-page-routes.js';
import { registerBackfillPageRoutes } from './backfill-page-routes.js';
import { registerMailPageRoutes } from './mail-page-routes.js';
import { registerDeadLettersPageRoutes } from './dead-letters-page-routes.js';
import { registerPrivacyPageRoutes } from './privacy-page-routes.js';

export function registerAdmin(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps): void {
  app.get(ADMIN_CSS_PATH, async (_request, reply) =>
    reply.type('text/css').header('cache-control', 'public, max-age=3600').send(ADMIN_CSS),
  );
  registerLoginRoutes(app, admin);
  registerMailboxPageRoutes(app, deps, admin);
  registerBackfillPageRoutes(app, deps, admin);
  registerTicketPageRoutes(app, deps, admin, deps.review);
  if (deps.review) registerQuarantinePageRoutes(app, deps.review, admin);
  if (deps.mail) registerMailPageRoutes(app, deps.mail, admin);
  if (deps.deadLetters) registerDeadLettersPageRoutes(app, deps.deadLetters, admin);
  if (deps.privacy) registerPrivacyPageRoutes(app, deps.privacy, admin);
  registerTokenRoutes(app, deps.verifyToken, admin.tokens, admin.audit);
  if (deps.delivery) registerWebhookPageRoutes(app, deps.delivery, admin);
}
