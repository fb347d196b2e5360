// Sign-in and sign-out for the admin page. The sign-in form is CSRF-protected by a signed
// nonce cookie; success starts a server-side session and sets its cookie.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signIn } from '../../auth/sign-in.js';
import { loginFormToken, newLoginNonce, tokenMatches } from '../security/csrf.js';
import { clearCookie, loginCookieName, sessionCookieName, sessionOf, setCookie } from '../security/session-cookie.js';
import type { AdminDeps } from './admin-deps.js';
import { csrfRefused, currentSession, formField, requireSession } from './admin-guard.js';
import { loginPage } from './login-page.js';

export function registerLoginRoutes(app: FastifyInstance, admin: AdminDeps): void {
  app.get('/admin/login', async (request, reply) => {
    if (sessionOf(request, admin.sessions, admin.cookies)) return reply.redirect('/admin', 303);
    return renderLogin(reply, admin, 200);
  });

  app.post('/admin/login', async (request, reply) => {
    const nonce = request.cookies[loginCookieName(admin.cookies)];
    if (!nonce || !tokenMatches(loginFormToken(admin.formKey, nonce), formField(request, '_csrf'))) {
      request.log.warn('sign-in refused: CSRF token missing or wrong');
      return csrfRefused(reply);
    }
    return handleSignIn(request, reply, admin);
  });

  app.post('/admin/logout', { preHandler: requireSession(admin) }, async (request, reply) => {
    admin.sessions.destroy(currentSession(request).ref);
    clearCookie(reply, sessionCookieName(admin.cookies), admin.cookies);
    return reply.redirect('/admin/login', 303);
  });
}

async function handleSignIn(request: FastifyRequest, reply: FastifyReply, admin: AdminDeps): Promise<FastifyReply> {
  const username = formField(request, 'username');
  const result = await signIn(
    { admins: admin.admins, sessions: admin.sessions, throttle: admin.throttle, settings: admin.settings },
    { username, password: formField(request, 'password'), code: formField(request, 'code'), ip: request.ip },
  );
  if (!result.ok) {
    request.log.warn({ reason: result.reason }, 'sign-in failed');
    // Audited without the address or the typed username in clear: a keyed hash of the client.
    admin.audit.record({
      actor: 'anonymous',
      action: result.reason === 'locked' ? 'admin.sign_in_locked' : 'admin.sign_in_failed',
      subjectRef: result.adminId === undefined ? null : `admin:${result.adminId}`,
      detail: { client: admin.subjectRef(request.ip), reason: result.reason },
    });
    if (result.reason === 'locked') {
      const minutes = Math.ceil(result.retryAfterMs / 60_000);
      return renderLogin(
        reply,
        admin,
        429,
        `Too many failed sign-ins (INTAKE_ERR_LOGIN_LOCKED). Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        username,
      );
    }
    // The typed user name is not recorded (above): it may be someone's address or a mistyped password.
    return renderLogin(reply, admin, 401, 'Wrong username, password or code.', username);
  }
  const actor = `admin:${result.session.adminId}`;
  admin.audit.record({ actor, action: result.usedRecoveryCode ? 'admin.signed_in_with_recovery_code' : 'admin.signed_in' });
  request.log.info({ adminId: result.session.adminId }, 'admin signed in');
  clearCookie(reply, loginCookieName(admin.cookies), admin.cookies);
  setCookie(
    reply,
    sessionCookieName(admin.cookies),
    result.cookieValue,
    admin.cookies,
    Math.floor(admin.settings.sessionAbsoluteHours * 3600),
  );
  return reply.redirect('/admin', 303);
}

function renderLogin(reply: FastifyReply, admin: AdminDeps, status: number, error?: string, username?: string): FastifyReply {
  const nonce = newLoginNonce();
  setCookie(reply, loginCookieName(admin.cookies), nonce, admin.cookies, 600);
  return reply
    .code(status)
    .type('text/html')
    .send(loginPage(loginFormToken(admin.formKey, nonce), error, username));
}
