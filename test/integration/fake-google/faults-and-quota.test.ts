// Fault injection, the per-user quota and the /_fake control API: the levers
// backoff and sync tests rely on (SPEC.md §3.8, checklist G).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { connect, cpythonMessage, failure, GMAIL_READONLY, spamAssassin } from './helpers.js';
import { createServer } from 'node:net';

let fake: FakeGoogle;
beforeEach(async () => {
  fake = await startFakeGoogle();
});
afterEach(async () => {
  await fake.close();
});

const USER = 'ops@example.com';

describe('fault injection', () => {
  it('injectFault(): a 429 with Retry-After reaches the client as an error with code 429 when retry is off', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    fake.injectFault({ path: /\/messages$/, status: 429, headers: { 'retry-after': '7' } });
    const err = await failure(gmail.users.messages.list({ userId: 'me' }, { retry: false }));
    expect(err.status).toBe(429);
    expect(err.code).toBe(429);
    expect((err.response?.data as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason).toBe('rateLimitExceeded');
    expect((await gmail.users.messages.list({ userId: 'me' }, { retry: false })).status).toBe(200);
  });

  it('injectFault(): two 503s on a GET are retried by gaxios and the third request succeeds', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    fake.injectFault({ path: /\/profile$/, status: 503, times: 2 });
    const before = fake.requestCount(/\/profile$/);
    const { data } = await gmail.users.getProfile({ userId: 'me' });
    expect(data.emailAddress).toBe(USER);
    expect(fake.requestCount(/\/profile$/) - before).toBe(3);
  });

  it('injectFault(): with a body given for the token endpoint, refreshAccessToken() sees exactly that error', async () => {
    const { auth } = await connect(fake, USER, [GMAIL_READONLY]);
    fake.injectFault({
      path: /^\/token$/,
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
    });
    const err = await failure(auth.refreshAccessToken());
    expect(err.status).toBe(400);
    expect(err.message).toBe('invalid_grant');
  });
});

describe('quota', () => {
  it('messages.get(): in the legacy regime, past the per-user units per second, answers 429 rateLimitExceeded with a retry time', async () => {
    await fake.close();
    fake = await startFakeGoogle({ quotaRegime: 'legacy', quotaUnitsPerUserPerSecond: 12 });
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const { id } = fake.deliver(USER, cpythonMessage(14));
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => gmail.users.messages.get({ userId: 'me', id }, { retry: false })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    const err = rejected.reason as {
      status: number;
      response: { data: { error: { message: string; status: string; errors: { domain: string; reason: string }[] } } };
    };
    expect(err.status).toBe(429);
    expect(err.response.data.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(err.response.data.error.errors[0]).toMatchObject({ domain: 'usageLimits', reason: 'rateLimitExceeded' });
    expect(err.response.data.error.message).toMatch(/^User-rate limit exceeded\. {2}Retry after \d{4}-\d\d-\d\dT/);
  });

  it('quota: with the 403 style, answers 403 userRateLimitExceeded and other users are unaffected', async () => {
    await fake.close();
    fake = await startFakeGoogle({ quotaUnitsPerUserPerSecond: 5, quotaExceededStatus: 403 });
    const a = await connect(fake, USER, [GMAIL_READONLY]);
    const b = await connect(fake, 'other@example.com', [GMAIL_READONLY]);
    await a.gmail.users.messages.list({ userId: 'me' });
    const err = await failure(a.gmail.users.messages.list({ userId: 'me' }, { retry: false }));
    expect(err.status).toBe(403);
    expect((err.response?.data as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason).toBe('userRateLimitExceeded');
    expect((await b.gmail.users.messages.list({ userId: 'me' })).status).toBe(200);
  });
});

describe('control endpoint', () => {
  it('POST /_fake/deliver: stores the raw body and the message is readable through the API', async () => {
    const raw = spamAssassin('easy-ham-1', 1)[0] ?? Buffer.alloc(0);
    const res = await fetch(`${fake.url}/_fake/deliver?email=${encodeURIComponent(USER)}`, { method: 'POST', body: raw });
    expect(res.status).toBe(200);
    const delivered = (await res.json()) as { id: string; threadId: string; historyId: string };
    expect(delivered.id).toMatch(/^[0-9a-f]{16}$/);
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const { data } = await gmail.users.messages.get({ userId: 'me', id: delivered.id, format: 'raw' });
    expect(Buffer.from(data.raw ?? '', 'base64url').equals(raw)).toBe(true);
  });

  it('POST /_fake/expire-history and /_fake/revoke-user: expire the cursor and kill the grant', async () => {
    const { gmail, tokens } = await connect(fake, USER, [GMAIL_READONLY]);
    const d = fake.deliver(USER, cpythonMessage(15));
    fake.deliver(USER, cpythonMessage(16));
    const q = `email=${encodeURIComponent(USER)}`;
    expect((await fetch(`${fake.url}/_fake/expire-history?${q}`, { method: 'POST' })).status).toBe(200);
    expect((await failure(gmail.users.history.list({ userId: 'me', startHistoryId: d.historyId }))).status).toBe(404);
    expect((await fetch(`${fake.url}/_fake/revoke-user?${q}`, { method: 'POST' })).status).toBe(200);
    expect(fake.isRefreshTokenActive(tokens.refresh_token ?? '')).toBe(false);
  });

  it('POST /_fake/users: adds a user whose empty mailbox has a historyId', async () => {
    const res = await fetch(`${fake.url}/_fake/users?email=new@example.com`, { method: 'POST' });
    expect(res.status).toBe(200);
    const { gmail } = await connect(fake, 'new@example.com', [GMAIL_READONLY]);
    const { data } = await gmail.users.getProfile({ userId: 'me' });
    expect(data).toMatchObject({ emailAddress: 'new@example.com', messagesTotal: 0, historyId: expect.stringMatching(/^\d+$/) });
  });

  it("unknown routes: answer 404 in Google's envelope", async () => {
    const res = await fetch(`${fake.url}/nothing/here`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { status: string } }).error.status).toBe('NOT_FOUND');
  });

  it('close(): also closes idle keep-alive connections so the port is free at once', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    await gmail.users.getProfile({ userId: 'me' });
    const port = Number(new URL(fake.url).port);
    await fake.close();
    // Free at once: a new server binds the same port straight away.
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => again.close(() => resolve()));
    await expect(fetch(`${fake.url}/_fake/users?email=x@example.com`, { method: 'POST' })).rejects.toThrow();
  });
});

describe('fault control routes', () => {
  it('POST /_fake/faults: arms a Gmail-shaped fault from outside the process, counts reach /_fake/counts, and clear disarms', async () => {
    fake.addUser('ctl@example.com');
    const body = {
      error: { code: 403, message: 'Daily Limit Exceeded', errors: [{ reason: 'dailyLimitExceeded', domain: 'usageLimits' }] },
    };
    const arm = await fetch(`${fake.url}/_fake/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/gmail/v1/users/me/profile$', status: 403, times: 5, body }),
    });
    expect(arm.status).toBe(200);
    const first = await fetch(`${fake.url}/gmail/v1/users/me/profile`);
    expect(first.status).toBe(403);
    expect(await first.json()).toEqual(body);
    const counted = (await (await fetch(`${fake.url}/_fake/counts?path=${encodeURIComponent('/profile$')}`)).json()) as { count: number };
    expect(counted.count).toBe(1);
    expect((await fetch(`${fake.url}/_fake/faults/clear`, { method: 'POST' })).status).toBe(200);
    // Disarmed: the request now reaches the auth layer (no token: Google's 401).
    expect((await fetch(`${fake.url}/gmail/v1/users/me/profile`)).status).toBe(401);
    expect((await fetch(`${fake.url}/_fake/faults`, { method: 'POST', body: '{"status": 500}' })).status).toBe(400);
  });
});
