// The fake's OAuth endpoints driven by the real google-auth-library OAuth2Client,
// checked against SPEC.md §1 (codes, PKCE, refresh, revoke, tokeninfo, id_token).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { connect, failure, GMAIL_READONLY, oauthClient, REDIRECT_URI } from './helpers.js';
import { waitFor } from '../../helpers/test-daemon.js';

let fake: FakeGoogle;
beforeEach(async () => {
  fake = await startFakeGoogle();
});
afterEach(async () => {
  await fake.close();
});

async function authUrlWithPkce(scopes: string[], extra: Record<string, string> = {}) {
  const auth = oauthClient(fake);
  const pkce = await auth.generateCodeVerifierAsync();
  const url = auth.generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    scope: scopes,
    state: 'csrf-123',
    code_challenge: pkce.codeChallenge,
    code_challenge_method: 'S256' as never,
    ...extra,
  });
  return { auth, url, verifier: pkce.codeVerifier };
}

const codeOf = (redirect: string): string => new URL(redirect).searchParams.get('code') ?? '';

describe('authorization', () => {
  it('approveConsent(): when the user allows, redirects with code, state and full-URL granted scopes', async () => {
    const { url } = await authUrlWithPkce(['openid', 'email', GMAIL_READONLY]);
    const redirect = new URL(fake.approveConsent(url, { email: 'alice@example.com' }));
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('state')).toBe('csrf-123');
    expect(redirect.searchParams.get('code')).toMatch(/^4\/0A/);
    expect(redirect.searchParams.get('scope')?.split(' ')).toEqual([
      'openid',
      'https://www.googleapis.com/auth/userinfo.email',
      GMAIL_READONLY,
    ]);
    expect(redirect.searchParams.get('authuser')).toBe('0');
  });

  it('approveConsent(): when the user denies, redirects with error=access_denied and the state', async () => {
    const { url } = await authUrlWithPkce([GMAIL_READONLY]);
    const redirect = new URL(fake.approveConsent(url, { email: 'alice@example.com', deny: true }));
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe('csrf-123');
    expect(redirect.searchParams.has('code')).toBe(false);
  });

  it('GET authorize: when the redirect_uri is not registered, shows a 400 redirect_uri_mismatch page', async () => {
    const fake2 = await startFakeGoogle({ clients: [{ clientId: 'c1', clientSecret: 's1', redirectUris: ['https://app.example/cb'] }] });
    try {
      const res = await fetch(
        `${fake2.endpoints.oauth2AuthBaseUrl}?client_id=c1&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
        { redirect: 'manual' },
      );
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('redirect_uri_mismatch');
    } finally {
      await fake2.close();
    }
  });

  it('GET authorize: when the client_id is unknown, shows an invalid_client page and never redirects', async () => {
    const res = await fetch(
      `${fake.endpoints.oauth2AuthBaseUrl}?client_id=nope&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('invalid_client');
  });

  it('consent form: when posted with one scope unticked, redirects with only the ticked scopes', async () => {
    const { url } = await authUrlWithPkce(['email', GMAIL_READONLY, 'https://www.googleapis.com/auth/gmail.labels'], {
      login_hint: 'bob@example.com',
    });
    const page = await (await fetch(url)).text();
    expect(page).toContain('id="email"');
    expect(page).toContain('value="bob@example.com"');
    expect(page.match(/name="scope"/g)).toHaveLength(2);
    const hidden = /name="auth_request" value="([^"]*)"/.exec(page)?.[1]?.replace(/&#38;/g, '&') ?? '';
    const form = new URLSearchParams({ auth_request: hidden, email: 'bob@example.com', scope: GMAIL_READONLY, action: 'allow' });
    const res = await fetch(`${fake.url}/o/oauth2/v2/auth/consent`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(302);
    const scope = new URL(res.headers.get('location') ?? '').searchParams.get('scope');
    expect(scope).toBe(`https://www.googleapis.com/auth/userinfo.email ${GMAIL_READONLY}`);
  });
});

describe('token exchange', () => {
  it('getToken(): with the right PKCE verifier, returns access, refresh and a verifiable id_token', async () => {
    const { auth, url, verifier } = await authUrlWithPkce(['openid', 'email', GMAIL_READONLY]);
    const { tokens } = await auth.getToken({
      code: codeOf(fake.approveConsent(url, { email: 'alice@example.com' })),
      codeVerifier: verifier,
    });
    expect(tokens.access_token).toMatch(/^ya29\./);
    expect(tokens.refresh_token).toMatch(/^1\/\/0/);
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expiry_date).toBeGreaterThan(Date.now() + 3500_000);
    const ticket = await auth.verifyIdToken({ idToken: tokens.id_token ?? '', audience: auth._clientId ?? '' });
    const claims = ticket.getPayload();
    expect(claims?.iss).toBe('https://accounts.google.com');
    expect(claims?.email).toBe('alice@example.com');
    expect(claims?.email_verified).toBe(true);
    expect(claims?.sub).toMatch(/^\d{21}$/);
    expect(fake.issuedSecrets()).toEqual(expect.arrayContaining([tokens.access_token, tokens.refresh_token, tokens.id_token]));
  });

  it('getToken(): when the PKCE verifier is wrong, answers 400 invalid_grant "Invalid code verifier."', async () => {
    const { auth, url } = await authUrlWithPkce([GMAIL_READONLY]);
    const err = await failure(
      auth.getToken({ code: codeOf(fake.approveConsent(url, { email: 'a@example.com' })), codeVerifier: 'x'.repeat(64) }),
    );
    expect(err.status).toBe(400);
    expect(err.response?.data).toEqual({ error: 'invalid_grant', error_description: 'Invalid code verifier.' });
  });

  it('getToken(): when the verifier is missing for a PKCE code, answers 400 "Missing code verifier."', async () => {
    const { auth, url } = await authUrlWithPkce([GMAIL_READONLY]);
    const err = await failure(auth.getToken({ code: codeOf(fake.approveConsent(url, { email: 'a@example.com' })) }));
    expect(err.response?.data).toEqual({ error: 'invalid_grant', error_description: 'Missing code verifier.' });
  });

  it('getToken(): when a code is used twice, the second exchange gets 400 invalid_grant', async () => {
    const { auth, url, verifier } = await authUrlWithPkce([GMAIL_READONLY]);
    const code = codeOf(fake.approveConsent(url, { email: 'a@example.com' }));
    await auth.getToken({ code, codeVerifier: verifier });
    const err = await failure(auth.getToken({ code, codeVerifier: verifier }));
    expect(err.status).toBe(400);
    expect(err.message).toBe('invalid_grant');
  });

  it('getToken(): when redirect_uri differs from the authorization request, answers redirect_uri_mismatch', async () => {
    const { auth, url, verifier } = await authUrlWithPkce([GMAIL_READONLY]);
    const code = codeOf(fake.approveConsent(url, { email: 'a@example.com' }));
    const err = await failure(auth.getToken({ code, codeVerifier: verifier, redirect_uri: 'http://127.0.0.1:4999/other' }));
    expect(err.response?.data).toMatchObject({ error: 'redirect_uri_mismatch' });
  });

  it('getToken(): when the client secret is wrong, answers 401 invalid_client', async () => {
    const { url, verifier } = await authUrlWithPkce([GMAIL_READONLY]);
    const code = codeOf(fake.approveConsent(url, { email: 'a@example.com' }));
    const res = await fetch(fake.endpoints.oauth2TokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        code,
        code_verifier: verifier,
        grant_type: 'authorization_code',
        redirect_uri: REDIRECT_URI,
        client_id: 'fake-client-id.apps.googleusercontent.com',
        client_secret: 'wrong',
      }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' });
  });

  it('token endpoint: when grant_type is unsupported, answers 400 unsupported_grant_type', async () => {
    const res = await fetch(fake.endpoints.oauth2TokenUrl, { method: 'POST', body: new URLSearchParams({ grant_type: 'password' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });

  it('getToken(): without prompt=consent on a second connect, returns no refresh token and keeps the first', async () => {
    const first = await connect(fake, 'carol@example.com', [GMAIL_READONLY]);
    const auth = oauthClient(fake);
    const url = auth.generateAuthUrl({ access_type: 'offline', scope: [GMAIL_READONLY] });
    const { tokens } = await auth.getToken(codeOf(fake.approveConsent(url, { email: 'carol@example.com' })));
    expect(tokens.refresh_token).toBeUndefined();
    expect(fake.isRefreshTokenActive(first.tokens.refresh_token ?? '')).toBe(true);
  });

  it('getToken(): when more refresh tokens exist than the limit, the oldest is silently invalidated', async () => {
    await fake.close();
    fake = await startFakeGoogle({ refreshTokenLimit: 2 });
    const a = await connect(fake, 'dan@example.com', [GMAIL_READONLY]);
    const b = await connect(fake, 'dan@example.com', [GMAIL_READONLY]);
    const c = await connect(fake, 'dan@example.com', [GMAIL_READONLY]);
    expect([a, b, c].map((x) => fake.isRefreshTokenActive(x.tokens.refresh_token ?? ''))).toEqual([false, true, true]);
  });
});

describe('refresh and revoke', () => {
  it('refreshAccessToken(): returns a new access token with the same scope and no refresh_token in the response', async () => {
    const { auth, tokens } = await connect(fake, 'alice@example.com', [GMAIL_READONLY]);
    const seen: unknown[] = [];
    auth.on('tokens', (t) => seen.push({ ...t })); // the library adds refresh_token to this object afterwards
    const { credentials } = await auth.refreshAccessToken();
    expect(credentials.access_token).not.toBe(tokens.access_token);
    expect(credentials.scope).toBe(GMAIL_READONLY);
    expect(seen[0]).not.toHaveProperty('refresh_token');
  });

  it('getAccessToken(): when the access token has expired, refreshes and the old token gets 401 from Gmail', async () => {
    await fake.close();
    fake = await startFakeGoogle({ accessTokenTtlSeconds: 1 });
    const { auth, tokens } = await connect(fake, 'alice@example.com', [GMAIL_READONLY]);
    const profileStatus = async () =>
      (await fetch(`${fake.url}/gmail/v1/users/me/profile`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status;
    expect(await profileStatus()).toBe(200);
    // The token's one-second life runs out: wait for that state, not for a guessed time.
    expect(await waitFor(profileStatus, (status) => status !== 200, 10_000)).toBe(401);
    const { token } = await auth.getAccessToken();
    expect(token).toMatch(/^ya29\./);
    expect(token).not.toBe(tokens.access_token);
  });

  it('refreshAccessToken(): after revokeUserGrant, fails with 400 invalid_grant "Token has been expired or revoked."', async () => {
    const { auth } = await connect(fake, 'alice@example.com', [GMAIL_READONLY]);
    fake.revokeUserGrant('alice@example.com');
    const err = await failure(auth.refreshAccessToken());
    expect(err.status).toBe(400);
    expect(err.response?.data).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  });

  it('revokeToken(): revoking the refresh token kills its access tokens; a second revoke gets 400 invalid_token', async () => {
    const { auth, gmail, tokens } = await connect(fake, 'alice@example.com', [GMAIL_READONLY]);
    const res = await auth.revokeToken(tokens.refresh_token ?? '');
    expect(res.status).toBe(200);
    expect(fake.isRefreshTokenActive(tokens.refresh_token ?? '')).toBe(false);
    expect(fake.revokedTokens()).toEqual([tokens.refresh_token]);
    const direct = await fetch(`${fake.url}/gmail/v1/users/me/profile`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(direct.status).toBe(401);
    // The client answers the 401 by refreshing, which the revoked grant refuses.
    const apiErr = await failure(gmail.users.getProfile({ userId: 'me' }));
    expect(apiErr.message).toBe('invalid_grant');
    const again = await failure(auth.revokeToken(tokens.refresh_token ?? ''));
    expect(again.status).toBe(400);
    expect(again.response?.data).toEqual({ error: 'invalid_token', error_description: 'Token expired or revoked' });
  });

  it('revoke endpoint: when set down, answers 503 and the grant stays live', async () => {
    const { tokens } = await connect(fake, 'alice@example.com', [GMAIL_READONLY]);
    fake.setRevokeEndpointDown(true);
    const res = await fetch(`${fake.endpoints.oauth2RevokeUrl}?token=${tokens.refresh_token}`, { method: 'POST' });
    expect(res.status).toBe(503);
    expect(fake.isRefreshTokenActive(tokens.refresh_token ?? '')).toBe(true);
  });
});

describe('token introspection', () => {
  it('getTokenInfo(): for a live token, returns its scopes and audience', async () => {
    const { auth, tokens } = await connect(fake, 'alice@example.com', ['email', GMAIL_READONLY]);
    const info = await auth.getTokenInfo(tokens.access_token ?? '');
    expect(info.scopes).toEqual(['https://www.googleapis.com/auth/userinfo.email', GMAIL_READONLY]);
    expect(info.aud).toBe('fake-client-id.apps.googleusercontent.com');
    expect(info.email).toBe('alice@example.com');
    expect(info.expiry_date).toBeGreaterThan(Date.now());
  });

  it('GET tokeninfo: for an unknown token, answers 400 invalid_token "Invalid Value"', async () => {
    const res = await fetch(`${fake.endpoints.tokenInfoUrl}?access_token=ya29.nope`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid Value' });
  });

  it('userinfo: with a bearer token holding the email scope, returns sub and email; without a token, 401', async () => {
    const { tokens } = await connect(fake, 'alice@example.com', ['openid', 'email', GMAIL_READONLY]);
    const ok = await fetch(fake.userInfoUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await ok.json()).toMatchObject({ email: 'alice@example.com', email_verified: true, sub: expect.stringMatching(/^\d+$/) });
    expect((await fetch(fake.userInfoUrl)).status).toBe(401);
  });

  it('introspect: answers active only for a live token holding https://mail.google.com/', async () => {
    const full = await connect(fake, 'imap@example.com', ['https://mail.google.com/']);
    const narrow = await connect(fake, 'imap@example.com', [GMAIL_READONLY]);
    const ask = async (token: string) =>
      (await fetch(`${fake.url}/introspect`, { method: 'POST', body: new URLSearchParams({ token }) })).json();
    expect(await ask(full.tokens.access_token ?? '')).toMatchObject({ active: true, email: 'imap@example.com' });
    expect(await ask(narrow.tokens.access_token ?? '')).toEqual({ active: false });
    expect(await ask('ya29.unknown')).toEqual({ active: false });
  });
});
