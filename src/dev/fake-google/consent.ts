// The authorization request and the user's answer to it: validation of the
// generateAuthUrl() parameters and the redirect Google sends the browser to.
// Shared by the HTML consent form and the in-process approveConsent().
import type { TokenStore } from './token-store.js';
import type { FakeClient } from './types.js';
import { IDENTITY_SCOPES, isKnownScope, normalizeScope, parseScopes } from './scopes.js';

export interface AuthRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  challenge: string | undefined;
  challengeMethod: 'S256' | 'plain';
  offline: boolean;
  promptConsent: boolean;
  includeGrantedScopes: boolean;
  loginHint: string | undefined;
  nonce: string | undefined;
}

export interface AuthRequestError {
  status: number;
  error: string;
  description: string;
}

export type AuthRequestResult = { ok: true; req: AuthRequest } | ({ ok: false } & AuthRequestError);

const fail = (status: number, error: string, description: string): AuthRequestResult => ({
  ok: false,
  status,
  error,
  description,
});

export function redirectUriAllowed(client: FakeClient, uri: string): boolean {
  if (client.redirectUris.length > 0) return client.redirectUris.includes(uri);
  return /^http:\/\/(127\.0\.0\.1|localhost)([:/?#]|$)/.test(uri);
}

/** Validates the query of the authorization URL; errors are shown as pages, never redirected. */
export function parseAuthRequest(p: URLSearchParams, store: TokenStore): AuthRequestResult {
  const clientId = p.get('client_id') ?? '';
  const client = store.clients.get(clientId);
  if (!client) return fail(401, 'invalid_client', 'The OAuth client was not found.');
  const redirectUri = p.get('redirect_uri') ?? '';
  if (!redirectUri) return fail(400, 'invalid_request', 'Missing required parameter: redirect_uri');
  if (!redirectUriAllowed(client, redirectUri)) {
    return fail(400, 'redirect_uri_mismatch', `redirect_uri=${redirectUri} does not match a registered redirect URI`);
  }
  const responseType = p.get('response_type');
  if (!responseType) return fail(400, 'invalid_request', 'Missing required parameter: response_type');
  if (responseType !== 'code') return fail(400, 'unsupported_response_type', `Invalid response_type: ${responseType}`);
  const scopes = parseScopes(p.get('scope'));
  if (scopes.length === 0) return fail(400, 'invalid_request', 'Missing required parameter: scope');
  const unknown = scopes.find((s) => !isKnownScope(s));
  if (unknown) return fail(400, 'invalid_scope', `Some requested scopes were invalid: ${unknown}`);
  const challenge = p.get('code_challenge') ?? undefined;
  const method = p.get('code_challenge_method') ?? 'plain';
  if (method !== 'S256' && method !== 'plain') {
    return fail(400, 'invalid_request', `Invalid code_challenge_method: ${method}`);
  }
  if (p.has('code_challenge_method') && !challenge) {
    return fail(400, 'invalid_request', 'Missing required parameter: code_challenge');
  }
  const prompt = (p.get('prompt') ?? '').split(/\s+/);
  return {
    ok: true,
    req: {
      clientId,
      redirectUri,
      scopes,
      challenge,
      state: p.get('state') ?? undefined,
      challengeMethod: method,
      offline: p.get('access_type') === 'offline',
      promptConsent: prompt.includes('consent'),
      includeGrantedScopes: p.get('include_granted_scopes') === 'true',
      loginHint: p.get('login_hint') ?? undefined,
      nonce: p.get('nonce') ?? undefined,
    },
  };
}

export interface ConsentAnswer {
  email: string;
  grantedScopes?: string[];
  deny?: boolean;
}

/** Builds the redirect back to the app: a code on Allow, error=access_denied on Deny. */
export function answerConsent(store: TokenStore, req: AuthRequest, answer: ConsentAnswer): string {
  const url = new URL(req.redirectUri);
  if (answer.deny) {
    url.searchParams.set('error', 'access_denied');
    if (req.state !== undefined) url.searchParams.set('state', req.state);
    return url.toString();
  }
  store.addUser(answer.email);
  const ticked = answer.grantedScopes?.map(normalizeScope);
  const scopes = req.scopes.filter((s) => IDENTITY_SCOPES.has(s) || !ticked || ticked.includes(s));
  if (req.includeGrantedScopes) {
    for (const s of store.grantedScopes(req.clientId, answer.email)) if (!scopes.includes(s)) scopes.push(s);
  }
  const code = store.createCode({
    clientId: req.clientId,
    redirectUri: req.redirectUri,
    email: answer.email,
    scopes,
    challengeMethod: req.challengeMethod,
    offline: req.offline,
    issueRefreshToken: req.offline && (req.promptConsent || !store.hasLiveGrant(req.clientId, answer.email)),
    challenge: req.challenge,
    nonce: req.nonce,
  });
  if (req.state !== undefined) url.searchParams.set('state', req.state);
  url.searchParams.set('code', code);
  url.searchParams.set('scope', scopes.join(' '));
  url.searchParams.set('authuser', '0');
  url.searchParams.set('prompt', 'consent');
  return url.toString();
}
