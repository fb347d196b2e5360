// Guards for admin page routes: a live session (else back to sign-in) and, on every form
// post, the session's CSRF token. The resolved session is kept per request.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '../../auth/session-repo.js';
import { sessionOf } from '../security/session-cookie.js';
import { tokenMatches } from '../security/csrf.js';
import type { AdminDeps } from './admin-deps.js';
import { adminPage } from './layout.js';

const resolved = new WeakMap<FastifyRequest, Session>();

export function currentSession(request: FastifyRequest): Session {
  const session = resolved.get(request);
  if (!session) throw new Error('currentSession() used on a route without requireSession');
  return session;
}

/** Who the audit log names for an admin's action: the account behind the session. */
export function adminActor(request: FastifyRequest): string {
  return `admin:${currentSession(request).adminId}`;
}

export function formField(request: FastifyRequest, name: string): string {
  const body = request.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' ? value : '';
}

export function requireSession(admin: AdminDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const session = sessionOf(request, admin.sessions, admin.cookies);
    if (!session) {
      await reply.redirect('/admin/login', 303);
      return;
    }
    resolved.set(request, session);
    if (request.method === 'POST' && !tokenMatches(session.csrfToken, formField(request, '_csrf'))) {
      request.log.warn({ path: request.url }, 'form refused: CSRF token missing or wrong');
      await csrfRefused(reply);
    }
  };
}

export function csrfRefused(reply: FastifyReply): FastifyReply {
  return reply
    .code(403)
    .type('text/html')
    .send(
      adminPage(
        'Form expired',
        '<h1>This form has expired</h1><p class="error">The form was not sent from this session (INTAKE_ERR_CSRF). <a href="/admin">Reload the page</a> and try again.</p>',
      ),
    );
}
