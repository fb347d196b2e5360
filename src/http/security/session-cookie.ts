// The admin session cookie: HttpOnly, SameSite=Lax (Strict would drop it on the redirect
// back from Google's consent screen, which the OAuth state is bound to), Secure with the
// __Host- prefix whenever the page is served over HTTPS.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session, SessionRepo } from '../../auth/session-repo.js';

export interface CookiePolicy {
  secure: boolean;
}

export const sessionCookieName = (p: CookiePolicy): string => (p.secure ? '__Host-intake_session' : 'intake_session');
export const loginCookieName = (p: CookiePolicy): string => (p.secure ? '__Host-intake_login' : 'intake_login');

export function setCookie(reply: FastifyReply, name: string, value: string, policy: CookiePolicy, maxAgeSeconds: number): void {
  reply.setCookie(name, value, { path: '/', httpOnly: true, sameSite: 'lax', secure: policy.secure, maxAge: maxAgeSeconds });
}

export function clearCookie(reply: FastifyReply, name: string, policy: CookiePolicy): void {
  reply.clearCookie(name, { path: '/', httpOnly: true, sameSite: 'lax', secure: policy.secure });
}

export function sessionOf(request: FastifyRequest, sessions: SessionRepo, policy: CookiePolicy): Session | undefined {
  return sessions.resolve(request.cookies[sessionCookieName(policy)]);
}
