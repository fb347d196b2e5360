// Google redirects the admin's browser here after consent. The page says in plain words
// what happened: connected, or which check failed and what to do next.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HttpDeps } from './http-deps.js';
import { isIntakeError } from '../errors/intake-error.js';
import { statusFor } from './error-reply.js';
import { escapeHtml } from './html.js';
import { adminPage as page } from './admin/layout.js';

export const CALLBACK_PATH = '/oauth/callback';

export function registerOAuthRoutes(app: FastifyInstance, deps: HttpDeps, sessionRefOf: (request: FastifyRequest) => string | null): void {
  app.get(CALLBACK_PATH, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    try {
      const { mailbox, created } = await deps.connector.complete({ code: q.code, state: q.state, error: q.error }, sessionRefOf(request));
      // Not awaited: with Redis down the parked jobs wake once it is back, and the admin's page
      // must not wait for that.
      deps.queue
        .wakeMailbox(mailbox.id)
        .catch((err: unknown) =>
          request.log.warn({ code: 'INTAKE_ERR_QUEUE', reason: (err as Error).message }, 'could not wake the parked jobs'),
        );
      deps.syncNow(mailbox.id);
      const verb = created ? 'connected' : 'reconnected';
      return reply
        .type('text/html')
        .send(
          page(
            'Mailbox connected',
            `<h1>Mailbox ${verb}</h1><p>${escapeHtml(mailbox.email)} is ${verb}; its mail is being imported.</p><p><a href="/admin">Back to mailboxes</a></p>`,
          ),
        );
    } catch (err) {
      if (!isIntakeError(err)) throw err;
      request.log.warn({ code: err.code }, 'oauth callback refused');
      const title = err.code === 'INTAKE_ERR_AUTH_SCOPE' ? 'Gmail access was not granted' : 'Connection failed';
      const hint =
        err.code === 'INTAKE_ERR_AUTH_SCOPE'
          ? 'Intake needs to read this mailbox. Connect again and leave the Gmail box ticked on Google’s consent screen.'
          : 'Start the connection again from the admin page.';
      return reply
        .code(statusFor(err.code))
        .type('text/html')
        .send(
          page(
            title,
            `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(err.message)}</p><p>${hint}</p><p><a href="/admin">Back to mailboxes</a></p>`,
          ),
        );
    }
  });
}
