import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { DEFAULT_CLIENT } from '../../../src/dev/fake-google/index.js';
import { GoogleOAuth } from '../../../src/google/oauth-client.js';
import { scopesFor } from '../../../src/google/scopes.js';
import { startTestFake } from '../../helpers/test-fake.js';

describe('access token refresh', () => {
  let fake: FakeGoogle | undefined;

  afterEach(async () => {
    vi.useRealTimers();
    await fake?.close();
  });

  async function connectedClient(f: FakeGoogle) {
    const oauth = new GoogleOAuth({
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      redirectUri: 'http://127.0.0.1:9/oauth/callback',
      endpoints: {
        authUrl: f.endpoints.oauth2AuthBaseUrl,
        tokenUrl: f.endpoints.oauth2TokenUrl,
        revokeUrl: f.endpoints.oauth2RevokeUrl,
        tokenInfoUrl: f.endpoints.tokenInfoUrl,
        userInfoUrl: f.userInfoUrl,
        gmailRootUrl: f.gmailRootUrl,
      },
      requestTimeoutMs: 5_000,
    });
    const { url, codeVerifier } = await oauth.consentUrl({ scopes: scopesFor('gmail', false), state: 'test' });
    const code = new URL(f.approveConsent(url, { email: 'refresh@example.com' })).searchParams.get('code') as string;
    const grant = await oauth.exchangeCode(code, codeVerifier);
    return oauth.clientFor(grant.refreshToken as string);
  }

  it('refresh: the in-memory access token is reused until 5 minutes before expiry, then refreshed before it can fail', async () => {
    fake = await startTestFake({ accessTokenTtlSeconds: 3600 });
    const client = await connectedClient(fake);
    const tokenCalls = () => (fake as FakeGoogle).requestCount(new RegExp(new URL((fake as FakeGoogle).endpoints.oauth2TokenUrl).pathname));
    const before = tokenCalls();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const first = (await client.getAccessToken()).token;
    expect(tokenCalls()).toBe(before + 1);

    vi.setSystemTime(Date.now() + 3600_000 - 6 * 60_000);
    expect((await client.getAccessToken()).token).toBe(first);
    expect(tokenCalls()).toBe(before + 1);

    vi.setSystemTime(Date.now() + 2 * 60_000);
    const second = (await client.getAccessToken()).token;
    expect(tokenCalls()).toBe(before + 2);
    expect(second).not.toBe(first);
    // Refresh responses carry no refresh token: the stored one must stay in the client.
    expect(client.credentials.refresh_token).toEqual(expect.stringMatching(/^1\/\//));
  });
});
