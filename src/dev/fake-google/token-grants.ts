// The token endpoint's two grant types (authorization_code, refresh_token) and
// client authentication, as SPEC.md §1.3-1.4 and checklist C describe them.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { oauthError, type OAuthError } from './errors.js';
import { accessTokenHash, signJwt } from './jwt.js';
import { SCOPE } from './scopes.js';
import type { AccessToken, AuthCode, Grant, TokenStore } from './token-store.js';

export type TokenResult = { status: 200; body: Record<string, unknown> } | OAuthError;

function basicCredentials(req: IncomingMessage): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m?.[1]) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? undefined : { id: decodeURIComponent(text.slice(0, i)), secret: decodeURIComponent(text.slice(i + 1)) };
}

function authenticateClient(store: TokenStore, req: IncomingMessage, form: URLSearchParams): string | OAuthError {
  const basic = basicCredentials(req);
  const id = form.get('client_id') ?? basic?.id;
  const secret = form.get('client_secret') ?? basic?.secret;
  if (!id) return oauthError(400, 'invalid_request', 'Could not determine client ID from request.');
  const client = store.clients.get(id);
  if (!client) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
  if (secret === undefined) return oauthError(400, 'invalid_request', 'client_secret is missing.');
  if (secret !== client.clientSecret) return oauthError(401, 'invalid_client', 'Unauthorized');
  return id;
}

export function handleTokenRequest(store: TokenStore, ttlSeconds: number, req: IncomingMessage, form: URLSearchParams): TokenResult {
  const grantType = form.get('grant_type');
  if (!grantType) return oauthError(400, 'invalid_request', 'Missing required parameter: grant_type');
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
  }
  const clientId = authenticateClient(store, req, form);
  if (typeof clientId !== 'string') return clientId;
  return grantType === 'authorization_code'
    ? exchangeCode(store, ttlSeconds, clientId, form)
    : refreshGrant(store, ttlSeconds, clientId, form);
}

function pkceMatches(code: AuthCode, verifier: string): boolean {
  const expected = code.challengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  const a = Buffer.from(expected);
  const b = Buffer.from(code.challenge ?? '');
  return a.length === b.length && timingSafeEqual(a, b);
}

function exchangeCode(store: TokenStore, ttl: number, clientId: string, form: URLSearchParams): TokenResult {
  const codeValue = form.get('code');
  if (!codeValue) return oauthError(400, 'invalid_request', 'Missing required parameter: code');
  const redirectUri = form.get('redirect_uri');
  if (!redirectUri) return oauthError(400, 'invalid_request', 'Missing required parameter: redirect_uri');
  if (!codeValue.startsWith('4/')) return oauthError(400, 'invalid_grant', 'Malformed auth code.');
  // Consumed on any attempt, so a failed PKCE check cannot be retried with the same code.
  const code = store.consumeCode(codeValue);
  if (typeof code === 'string' || code.clientId !== clientId) return oauthError(400, 'invalid_grant', 'Bad Request');
  if (code.redirectUri !== redirectUri) return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
  if (code.challenge !== undefined) {
    const verifier = form.get('code_verifier');
    if (!verifier) return oauthError(400, 'invalid_grant', 'Missing code verifier.');
    if (!pkceMatches(code, verifier)) return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
  }
  const grant = store.upsertGrant(clientId, code.email, code.scopes, code.offline);
  const access = store.issueAccessToken(grant, code.scopes);
  const body = tokenBody(store, ttl, access, code.nonce);
  if (code.issueRefreshToken) body.refresh_token = store.issueRefreshToken(grant, code.scopes);
  return { status: 200, body };
}

function refreshGrant(store: TokenStore, ttl: number, clientId: string, form: URLSearchParams): TokenResult {
  const token = form.get('refresh_token');
  if (!token) return oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
  const rec = store.liveRefreshToken(token);
  if (!rec) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
  if (rec.grant.clientId !== clientId) return oauthError(400, 'unauthorized_client', 'Unauthorized');
  store.touchRefreshToken(rec);
  const access = store.issueAccessToken(rec.grant, rec.scopes);
  return { status: 200, body: tokenBody(store, ttl, access, undefined) };
}

function tokenBody(store: TokenStore, ttl: number, access: AccessToken, nonce: string | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {
    access_token: access.token,
    expires_in: ttl,
    scope: access.scopes.join(' '),
    token_type: 'Bearer',
  };
  if (access.scopes.includes(SCOPE.openid)) {
    const idToken = idTokenFor(store, access.grant, access, nonce);
    store.recordSecret(idToken);
    body.id_token = idToken;
  }
  return body;
}

function idTokenFor(store: TokenStore, grant: Grant, access: AccessToken, nonce: string | undefined): string {
  const user = store.user(grant.email);
  const iat = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: 'https://accounts.google.com',
    azp: grant.clientId,
    aud: grant.clientId,
    sub: user?.sub,
    at_hash: accessTokenHash(access.token),
    iat,
    exp: iat + 3600,
  };
  // Google adds identity claims only for the scopes that cover them.
  if (access.scopes.includes(SCOPE.email)) Object.assign(claims, { email: grant.email, email_verified: true });
  if (access.scopes.includes(SCOPE.profile) && user?.name) claims.name = user.name;
  if (nonce !== undefined) claims.nonce = nonce;
  return signJwt(claims);
}
