// The store host's token broker and a remote worker's TokenClient over a real Redis, against
// the fake Google: a token that works at Gmail, the cache, a refused token replaced, 50
// parallel asks sharing one request, an unknown mailbox, a grant Google ended (the mailbox
// pauses and the worker's job parks), and requests that try to make the broker write
// elsewhere in Redis.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { TokenClient } from '../../../src/remote/token-client.js';
import { remoteKeys } from '../../../src/remote/remote-keys.js';
import { workerKeys } from '../../../src/remote/worker-key.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { startTestRedis, type TestRedis } from '../../helpers/redis-server.js';
import { freePort } from '../../helpers/free-port.js';
import { testLogger } from '../../helpers/test-log.js';

const MAILBOX = 'tokens@example.com';
let redis: TestRedis;
let prefixN = 0;

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.close();
});

describe('token broker and TokenClient (real Redis, fake Google)', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  const clients: TokenClient[] = [];
  const connections: Redis[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.stop();
    for (const r of connections.splice(0)) r.disconnect();
    await t?.close();
    t = undefined;
    await fake?.close();
  });

  async function setUp() {
    fake = await startTestFake();
    const workerKey = randomBytes(32).toString('base64');
    const prefix = `tb${process.pid}x${prefixN++}`;
    t = await startTestDaemon(fake, {
      queue: { driver: 'bullmq', redisUrl: redis.url, redisPrefix: prefix, workerPort: await freePort() },
      secrets: { workerKey },
    });
    expect(await t.connect(MAILBOX)).toBe(200);
    const mailboxId = (t.daemon.db.prepare('SELECT id FROM mailboxes').get() as { id: number }).id;
    const newClient = (key = workerKey) => {
      const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
      connections.push(conn);
      const client = new TokenClient({
        blocking: conn.duplicate(),
        redis: conn,
        keys: remoteKeys(prefix),
        workerBox: workerKeys(key).tokenBox,
        replyTimeoutMs: 10_000,
        log: testLogger('tokens'),
      });
      client.start();
      clients.push(client);
      return client;
    };
    return { fake, t, prefix, mailboxId, newClient, conn: () => connections[0] as Redis };
  }

  const profileStatus = (f: FakeGoogle, token: string) =>
    fetch(`${f.gmailRootUrl}gmail/v1/users/me/profile`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

  it('hands out a token Gmail accepts, reuses it from the cache, and replaces one Google refused', async () => {
    const { fake: f, mailboxId, newClient } = await setUp();
    const client = newClient();
    const first = await client.grant(mailboxId);
    if (first.kind !== 'token') throw new Error(`expected a token, got ${first.kind}`);
    expect(await profileStatus(f, first.token)).toBe(200);
    expect(first.expiresAt).toBeGreaterThan(Date.now() + 60_000);

    const tokenCalls = f.requestCount(/\/token/);
    const again = await newClient().grant(mailboxId);
    expect(again).toEqual(first);
    expect(f.requestCount(/\/token/)).toBe(tokenCalls);

    const replaced = await client.grant(mailboxId, first.token);
    if (replaced.kind !== 'token') throw new Error(`expected a token, got ${replaced.kind}`);
    expect(replaced.token).not.toBe(first.token);
    expect(await profileStatus(f, replaced.token)).toBe(200);
  });

  it('50 parallel asks of one worker share one request; an unknown mailbox is "gone"', async () => {
    const { fake: f, mailboxId, newClient } = await setUp();
    const client = newClient();
    const before = f.requestCount(/\/token/);
    const grants = await Promise.all(Array.from({ length: 50 }, () => client.grant(mailboxId)));
    expect(new Set(grants.map((g) => (g.kind === 'token' ? g.token : g.kind))).size).toBe(1);
    expect(f.requestCount(/\/token/) - before).toBeLessThanOrEqual(1);
    expect(await client.grant(mailboxId + 1000)).toEqual({ kind: 'gone' });
  });

  it('a grant Google ended pauses the mailbox on the store host and parks the worker', async () => {
    const { fake: f, t: daemon, mailboxId, newClient } = await setUp();
    const client = newClient();
    const first = await client.grant(mailboxId);
    if (first.kind !== 'token') throw new Error(`expected a token, got ${first.kind}`);
    f.revokeUserGrant(MAILBOX);
    await expect(client.grant(mailboxId, first.token)).rejects.toMatchObject({ code: 'INTAKE_ERR_MAILBOX_PARKED' });
    const state = (daemon.daemon.db.prepare('SELECT state FROM mailboxes WHERE id = ?').get(mailboxId) as { state: string }).state;
    expect(state).toBe('needs_reconsent');
    // Parked from then on without asking Google again.
    const calls = f.requestCount(/\/token/);
    await expect(client.grant(mailboxId, first.token)).rejects.toMatchObject({ code: 'INTAKE_ERR_MAILBOX_PARKED' });
    expect(f.requestCount(/\/token/)).toBe(calls);
  });

  it('a worker with another worker key cannot read the tokens', async () => {
    const { mailboxId, newClient } = await setUp();
    await newClient().grant(mailboxId);
    await expect(newClient(randomBytes(32).toString('base64')).grant(mailboxId)).rejects.toMatchObject({ code: 'INTAKE_ERR_DECRYPT' });
  });

  it('ignores requests whose reply would land outside a worker reply list, and malformed ones', async () => {
    const { prefix, mailboxId, newClient, conn } = await setUp();
    const client = newClient();
    const keys = remoteKeys(prefix);
    const redisConn = conn();
    await redisConn.rpush(
      keys.tokenRequests,
      'not json',
      JSON.stringify({ id: 'x', mailboxId, force: false, replyTo: `${prefix}:victim` }),
    );
    await redisConn.rpush(
      keys.tokenRequests,
      JSON.stringify({ id: 'y', mailboxId, force: false, replyTo: `${keys.replies('')}../victim` }),
    );
    // A real ask behind them is answered: the broker read past the bad ones.
    expect((await client.grant(mailboxId)).kind).toBe('token');
    await waitFor(
      () => redisConn.llen(keys.tokenRequests),
      (n) => n === 0,
    );
    expect(await redisConn.exists(`${prefix}:victim`, `${keys.replies('')}../victim`)).toBe(0);
  });
});
