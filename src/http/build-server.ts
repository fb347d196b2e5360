// Builds the fastify app (routes, error handler, request ids) without listening, so tests
// use inject() and the daemon decides where and how to listen.
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import { randomUUID } from 'node:crypto';
import type { HttpDeps } from './http-deps.js';
import { BODY_LIMIT_BYTES, clientErrorHandler, errorHandler, frameworkErrors, sendError } from './error-reply.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerTicketRoutes } from './ticket-routes.js';
import { registerMailboxRoutes } from './mailbox-routes.js';
import { registerOAuthRoutes } from './oauth-routes.js';
import { registerReviewRoutes } from './review-routes.js';
import { registerWebhookRoutes } from './webhook-routes.js';
import { registerEventRoutes } from './event-routes.js';
import { registerHttpMetrics } from './http-metrics.js';
import { registerDocsRoutes, registerOpenApi } from './openapi/register-openapi.js';
import { registerSyncRoutes } from './sync-routes.js';
import { registerMailRoutes } from './mail-routes.js';
import { registerJobRoutes } from './job-routes.js';
import { registerPrivacyRoutes } from './privacy-routes.js';
import { registerPushRoutes } from './push-routes.js';
import { registerAdmin } from './admin/register-admin.js';
import { registerSecurityHeaders } from './security/security-headers.js';
import { registerAllowlist } from './security/allowlist-hook.js';
import { sessionOf } from './security/session-cookie.js';
import { parseAllowlist } from '../auth/ip-allowlist.js';
import { ApiTurns, registerApiTurns, type ApiTurnOptions } from './api-turns.js';

export interface ServerOptions {
  /** As fastify takes it: true, false, a hop count, or the proxies' addresses / CIDR ranges. */
  trustProxy: boolean | number | readonly string[];
  https?: { cert: Buffer; key: Buffer };
  /** CIDR ranges allowed to reach the page and the API (empty or absent: everyone). */
  allowlist?: readonly string[];
  /** Origins the admin page's forms may lead to (Google's consent screen). */
  formActionOrigins?: string[];
  /** How many API requests start per turn of the event loop (the rest wait, so ingest keeps its turns); absent: no limit. */
  apiTurns?: ApiTurnOptions;
}

export async function buildServer(deps: HttpDeps, options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log.child({ module: 'http' }),
    // fastify's types omit the hop count its proxy-addr takes; the value is passed through as is.
    trustProxy: (typeof options.trustProxy === 'object' ? [...options.trustProxy] : options.trustProxy) as boolean | string[],
    genReqId: () => randomUUID(),
    bodyLimit: BODY_LIMIT_BYTES,
    // Every error fastify or Node's parser can raise answers in the one envelope.
    frameworkErrors,
    clientErrorHandler,
    // Our onRequest hook answers 503 in the envelope while shutting down.
    return503OnClosing: false,
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;
  await registerOpenApi(app);
  await app.register(formbody);
  await app.register(cookie);
  registerAllowlist(app, parseAllowlist(options.allowlist ?? []));
  registerSecurityHeaders(app, { hsts: Boolean(options.https), formActionOrigins: options.formActionOrigins ?? [] });
  registerHttpMetrics(app, deps.metrics);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
  );
  // During shutdown new requests get 503 while the ones in flight finish.
  app.addHook('onRequest', async (request, reply) => {
    if (deps.isShuttingDown() && request.url !== '/healthz') {
      await sendError(reply, 'INTAKE_ERR_SHUTTING_DOWN', 'Intake is shutting down; retry shortly');
    }
  });
  if (options.apiTurns) {
    const limit = options.apiTurns.maxWaiting;
    registerApiTurns(app, new ApiTurns(options.apiTurns), (reply) =>
      sendError(reply, 'INTAKE_ERR_BUSY', `more than ${limit} API requests are waiting (http.apiMaxWaiting); retry in a second`),
    );
  }
  registerHealthRoutes(app, deps);
  registerTicketRoutes(app, deps);
  registerMailboxRoutes(app, deps);
  if (deps.review) registerReviewRoutes(app, deps, deps.review);
  if (deps.delivery) {
    registerWebhookRoutes(app, deps, deps.delivery);
    registerEventRoutes(app, deps, deps.delivery);
  }
  if (deps.sync) registerSyncRoutes(app, deps, deps.sync);
  if (deps.mail) registerMailRoutes(app, deps, deps.mail);
  if (deps.deadLetters) registerJobRoutes(app, deps.verifyToken, deps.deadLetters);
  if (deps.privacy) registerPrivacyRoutes(app, deps, deps.privacy);
  if (deps.push) registerPushRoutes(app, deps, deps.push);
  const admin = deps.admin;
  if (admin) registerAdmin(app, deps, admin);
  // The OAuth state is bound to the admin session that started the consent.
  registerOAuthRoutes(app, deps, (request) => (admin ? (sessionOf(request, admin.sessions, admin.cookies)?.ref ?? null) : null));
  await registerDocsRoutes(app);
  return app;
}
