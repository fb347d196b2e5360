// HTTP face of Google's OAuth endpoints: authorize + consent form, token,
// revoke, tokeninfo, userinfo, certs, and the introspection Dovecot calls.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeState } from './state.js';
import { answerConsent, parseAuthRequest } from './consent.js';
import { authErrorPage, CONSENT_PATH, consentPage } from './consent-page.js';
import { oauthError } from './errors.js';
import { bearerToken, parseForm, readBody, redirect, sendHtml, sendJson } from './http-io.js';
import { jwkCerts, pemCerts } from './jwt.js';
import { SCOPE } from './scopes.js';
import { handleTokenRequest } from './token-grants.js';

export const OAUTH_PATHS = {
  authorize: '/o/oauth2/v2/auth',
  token: '/token',
  revoke: '/revoke',
  tokenInfo: '/tokeninfo',
  userInfo: '/oauth2/v3/userinfo',
  introspect: '/introspect',
  pemCerts: '/oauth2/v1/certs',
  jwkCerts: '/oauth2/v3/certs',
} as const;

type Handler = (s: FakeState, req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

const ROUTES: Record<string, Handler> = {
  [`GET ${OAUTH_PATHS.authorize}`]: async (s, _req, res, url) => {
    const parsed = parseAuthRequest(url.searchParams, s.store);
    if (!parsed.ok) return sendHtml(res, parsed.status, authErrorPage(parsed));
    sendHtml(res, 200, consentPage(parsed.req, url.search.slice(1)));
  },
  [`POST ${CONSENT_PATH}`]: async (s, req, res) => {
    const form = parseForm(await readBody(req), req.headers['content-type']);
    const parsed = parseAuthRequest(new URLSearchParams(form.get('auth_request') ?? ''), s.store);
    if (!parsed.ok) return sendHtml(res, parsed.status, authErrorPage(parsed));
    const deny = form.get('action') === 'deny';
    const email = form.get('email')?.trim() ?? '';
    if (!deny && !email) {
      return sendHtml(res, 400, authErrorPage({ status: 400, error: 'invalid_request', description: 'Choose an account' }));
    }
    redirect(res, answerConsent(s.store, parsed.req, { email, grantedScopes: form.getAll('scope'), deny }));
  },
  [`POST ${OAUTH_PATHS.token}`]: async (s, req, res) => {
    const form = parseForm(await readBody(req), req.headers['content-type']);
    const result = handleTokenRequest(s.store, s.accessTtlSeconds, req, form);
    sendJson(res, result.status, result.body, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' });
  },
  [`POST ${OAUTH_PATHS.revoke}`]: async (s, req, res, url) => {
    const form = parseForm(await readBody(req), req.headers['content-type']);
    if (s.revokeDown) return sendJson(res, 503, { error: 'temporarily_unavailable' });
    const token = url.searchParams.get('token') ?? form.get('token');
    if (!token) return sendJson(res, 400, oauthError(400, 'invalid_request', 'Missing required parameter: token').body);
    if (!s.store.revokeToken(token)) {
      return sendJson(res, 400, oauthError(400, 'invalid_token', 'Token expired or revoked').body);
    }
    sendJson(res, 200, {});
  },
  [`GET ${OAUTH_PATHS.tokenInfo}`]: async (s, req, res, url) => tokenInfo(s, res, url.searchParams.get('access_token') ?? bearerToken(req)),
  [`POST ${OAUTH_PATHS.tokenInfo}`]: async (s, req, res, url) => {
    const form = parseForm(await readBody(req), req.headers['content-type']);
    tokenInfo(s, res, bearerToken(req) ?? form.get('access_token') ?? url.searchParams.get('access_token') ?? undefined);
  },
  [`GET ${OAUTH_PATHS.userInfo}`]: async (s, req, res) => userInfo(s, res, bearerToken(req)),
  [`POST ${OAUTH_PATHS.introspect}`]: async (s, req, res) => {
    const form = parseForm(await readBody(req), req.headers['content-type']);
    introspect(s, res, form.get('token') ?? bearerToken(req));
  },
  [`GET ${OAUTH_PATHS.introspect}`]: async (s, req, res, url) => introspect(s, res, url.searchParams.get('token') ?? bearerToken(req)),
  [`GET ${OAUTH_PATHS.pemCerts}`]: async (_s, _req, res) => sendJson(res, 200, pemCerts(), { 'cache-control': 'public, max-age=3600' }),
  [`GET ${OAUTH_PATHS.jwkCerts}`]: async (_s, _req, res) => sendJson(res, 200, jwkCerts(), { 'cache-control': 'public, max-age=3600' }),
};

/** Returns false when the path is not an OAuth route. */
export async function routeOAuth(s: FakeState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const handler = ROUTES[`${req.method ?? 'GET'} ${url.pathname}`];
  if (!handler) return false;
  await handler(s, req, res, url);
  return true;
}

function tokenInfo(s: FakeState, res: ServerResponse, token: string | undefined): void {
  const rec = s.store.liveAccessToken(token);
  if (!rec) return sendJson(res, 400, oauthError(400, 'invalid_token', 'Invalid Value').body);
  const user = s.store.user(rec.grant.email);
  const expiresIn = Math.max(0, Math.floor((rec.expiresAt - Date.now()) / 1000));
  const body: Record<string, string> = {
    azp: rec.grant.clientId,
    aud: rec.grant.clientId,
    sub: user?.sub ?? '',
    scope: rec.scopes.join(' '),
    exp: String(Math.floor(rec.expiresAt / 1000)),
    expires_in: String(expiresIn),
  };
  if (rec.scopes.includes(SCOPE.email)) Object.assign(body, { email: rec.grant.email, email_verified: 'true' });
  body.access_type = rec.grant.offline ? 'offline' : 'online';
  sendJson(res, 200, body);
}

function userInfo(s: FakeState, res: ServerResponse, token: string | undefined): void {
  const rec = s.store.liveAccessToken(token);
  if (!rec) {
    return sendJson(res, 401, oauthError(401, 'invalid_request', 'Invalid Credentials').body, {
      'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
    });
  }
  const user = s.store.user(rec.grant.email);
  const body: Record<string, unknown> = { sub: user?.sub };
  if (rec.scopes.includes(SCOPE.email)) Object.assign(body, { email: rec.grant.email, email_verified: true });
  if (rec.scopes.includes(SCOPE.profile) && user?.name) body.name = user.name;
  sendJson(res, 200, body);
}

function introspect(s: FakeState, res: ServerResponse, token: string | undefined): void {
  const rec = s.store.liveAccessToken(token);
  if (!rec?.scopes.includes(SCOPE.mail)) return sendJson(res, 200, { active: false });
  sendJson(res, 200, {
    active: true,
    email: rec.grant.email,
    scope: rec.scopes.join(' '),
    client_id: rec.grant.clientId,
    exp: Math.floor(rec.expiresAt / 1000),
  });
}
