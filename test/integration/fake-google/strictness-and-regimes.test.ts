// The fake as strict as Google where Intake depends on it: maxResults, unsupported q,
// OR groups, and quota enforced per regime, per client (project), per user and in flight.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { connect, cpythonMessage, failure, GMAIL_READONLY } from './helpers.js';

const USER = 'strict@example.com';

describe('fake Google strictness', () => {
  let fake: FakeGoogle | undefined;

  afterEach(async () => {
    await fake?.close();
  });

  it('messages.list() and history.list(): maxResults of 0, negative or not a number is a 400 invalidArgument; 1000 is capped at 500', async () => {
    fake = await startFakeGoogle();
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    for (const maxResults of [0, -5]) {
      const err = await failure(gmail.users.messages.list({ userId: 'me', maxResults }, { retry: false }));
      expect(err.status).toBe(400);
      const h = await failure(gmail.users.history.list({ userId: 'me', startHistoryId: '1', maxResults }, { retry: false }));
      expect(h.status).toBe(400);
    }
    expect((await gmail.users.messages.list({ userId: 'me', maxResults: 1000 })).status).toBe(200);
  });

  it('messages.list(): unsupported q syntax is a 400; a {a b} OR group matches either term', async () => {
    fake = await startFakeGoogle();
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const inbox = fake.deliver(USER, cpythonMessage(1)).id;
    const spam = fake.deliver(USER, cpythonMessage(2), { labelIds: ['SPAM'] }).id;
    fake.deliver(USER, cpythonMessage(3), { labelIds: ['CATEGORY_SOCIAL'] });
    const err = await failure(gmail.users.messages.list({ userId: 'me', q: 'has:attachment' }, { retry: false }));
    expect(err.status).toBe(400);
    const either = await gmail.users.messages.list({ userId: 'me', q: '{in:inbox in:spam}' });
    expect(either.data.messages?.map((m) => m.id).sort()).toEqual([inbox, spam].sort());
    expect((await failure(gmail.users.messages.list({ userId: 'me', q: '{in:inbox' }, { retry: false }))).status).toBe(400);
  });

  it('quota: the current regime charges messages.get 20 units against 6,000 a window; a legacy client pays 5 on the same server', async () => {
    fake = await startFakeGoogle({
      quotaWindowMs: 60_000,
      clients: [
        { clientId: 'new-project', clientSecret: 's1', redirectUris: [] },
        { clientId: 'old-project', clientSecret: 's2', redirectUris: [], quotaRegime: 'legacy' },
      ],
      quotaUnitsPerUserPerSecond: 1_000_000,
    });
    const { id } = fake.deliver(USER, cpythonMessage(4));
    const current = await connect(fake, USER, [GMAIL_READONLY], { clientId: 'new-project', clientSecret: 's1' });
    const legacy = await connect(fake, USER, [GMAIL_READONLY], { clientId: 'old-project', clientSecret: 's2' });
    let ok = 0;
    for (let i = 0; i < 305; i++) {
      const r = await current.gmail.users.messages.get({ userId: 'me', id, format: 'minimal' }, { retry: false }).catch((e: unknown) => e);
      if (!(r instanceof Error)) ok++;
    }
    expect(ok).toBe(300);
    expect(fake.quotaRefusals().user).toBe(5);
    for (let i = 0; i < 305; i++) await legacy.gmail.users.messages.get({ userId: 'me', id, format: 'minimal' }, { retry: false });
    expect(fake.quotaRefusals().user).toBe(5);
  });

  it('quota: a project over its per-project budget answers 429 rateLimitExceeded for every user of it; dailyLimitExceeded past the daily budget', async () => {
    fake = await startFakeGoogle({ projectUnitsPerWindow: 30, dailyUnitsPerProject: 1_000_000 });
    const a = await connect(fake, USER, [GMAIL_READONLY]);
    const b = await connect(fake, 'other@example.com', [GMAIL_READONLY]);
    for (let i = 0; i < 6; i++) await a.gmail.users.messages.list({ userId: 'me' });
    const err = await failure(b.gmail.users.messages.list({ userId: 'me' }, { retry: false }));
    expect(err.status).toBe(429);
    expect(err.message).toBe('Rate Limit Exceeded');
    await fake.close();
    fake = await startFakeGoogle({ dailyUnitsPerProject: 10 });
    const c = await connect(fake, USER, [GMAIL_READONLY]);
    await c.gmail.users.messages.list({ userId: 'me' });
    await c.gmail.users.messages.list({ userId: 'me' });
    const daily = await failure(c.gmail.users.messages.list({ userId: 'me' }, { retry: false }));
    expect(daily.status).toBe(403);
    expect((daily.response?.data as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason).toBe('dailyLimitExceeded');
  });

  it('quota: more requests in flight for one user than the cap answer 429 "Too many concurrent requests for user"', async () => {
    fake = await startFakeGoogle({ maxConcurrentPerUser: 2, latencyMs: 200 });
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => gmail.users.labels.list({ userId: 'me' }, { retry: false })));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(2);
    expect((refused[0]?.reason as Error).message).toBe('Too many concurrent requests for user.');
    expect(fake.quotaRefusals().concurrency).toBe(2);
  });
});
