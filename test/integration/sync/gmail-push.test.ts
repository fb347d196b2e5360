// Gmail push end to end (issue 16 §5): the daemon watches each Gmail-API mailbox, the fake
// Google pushes the mailbox's changes to POST /push/gmail, and a push makes the mail a ticket
// long before the poll would; forged credentials are refused in parallel without a sync; the
// shared-secret mode; lost pushes leave the poll to bring every message; watches are renewed
// before they expire and stopped on disconnect.
import { generateKeyPairSync, createSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { signJwt } from '../../../src/dev/fake-google/jwt.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon, closeAfterEach } from '../../helpers/test-daemon.js';
import { simpleMail } from '../../helpers/simple-mail.js';
import type { PlainObject } from '../../../src/config/merge.js';
import { startDaemon } from '../../../src/daemon/daemon.js';
import { testLogger } from '../../helpers/test-log.js';

const TOPIC = 'projects/intake-test/topics/gmail';
const AUDIENCE = 'https://intake.test/push/gmail';
const PUSHER = 'gmail-push@intake-test.iam.gserviceaccount.com';
const USER = 'desk@example.com';
/** Long enough that only a push can explain a ticket within the waits below (busy passes come at a quarter). */
const POLL_S = 120;

let fake: FakeGoogle | undefined;
let t: TestDaemon | undefined;
closeAfterEach(() => ({ t, fake }));

const pushConfig = (push: PlainObject = {}, sync: PlainObject = { pollIntervalSeconds: POLL_S }): PlainObject => ({
  google: { push: { enabled: true, topicName: TOPIC, audience: AUDIENCE, serviceAccountEmail: PUSHER, ...push } },
  sync,
});

const messageCount = (d: TestDaemon, email = USER) =>
  (
    d.daemon.db.prepare('SELECT COUNT(*) AS n FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.email = ?').get(email) as {
      n: number;
    }
  ).n;

const mailboxState = (d: TestDaemon, email = USER) =>
  (d.daemon.db.prepare('SELECT state FROM mailboxes WHERE email = ?').get(email) as { state: string } | undefined)?.state;

/** Connected, watched and past its first pass: from here on only a push or the poll brings mail. */
async function connectWatched(d: TestDaemon, f: FakeGoogle, email = USER): Promise<void> {
  expect(await d.connect(email)).toBe(200);
  await waitFor(
    () => [mailboxState(d, email), f.watchOf(email)?.topicName],
    ([s, topic]) => s === 'syncing' && topic === TOPIC,
  );
}

function pushBody(email: string, historyId = '1'): string {
  return JSON.stringify({
    message: {
      data: Buffer.from(JSON.stringify({ emailAddress: email, historyId })).toString('base64'),
      messageId: '1',
      publishTime: new Date().toISOString(),
      attributes: {},
    },
    subscription: 'projects/intake-test/subscriptions/gmail-push',
  });
}

function claims(over: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(Date.now() / 1000);
  return {
    iss: 'https://accounts.google.com',
    aud: AUDIENCE,
    email: PUSHER,
    email_verified: true,
    sub: '1',
    iat,
    exp: iat + 3600,
    ...over,
  };
}

/** Signed with a key Google never had, under the kid of Google's real one. */
function forgedJwt(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const real = signJwt(claims());
  const head = real.split('.')[0] ?? '';
  const input = `${head}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
}

async function post(
  d: TestDaemon,
  body: string,
  headers: Record<string, string> = {},
  query = '',
): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${d.daemon.url}/push/gmail${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, ...(text ? { code: (JSON.parse(text) as { error?: { code: string } }).error?.code } : {}) };
}

describe('Gmail push (real daemon, fake Google sending Pub/Sub pushes)', () => {
  it('a message delivered to a watched mailbox becomes a ticket long before the poll interval', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake, pushConfig());
    fake.configurePush({ topicName: TOPIC, endpoint: `${t.daemon.url}/push/gmail`, audience: AUDIENCE, serviceAccountEmail: PUSHER });
    await connectWatched(t, fake);
    const stored = t.daemon.db.prepare('SELECT topic_name, expiration FROM gmail_watches').get() as {
      topic_name: string;
      expiration: number;
    };
    expect(stored.topic_name).toBe(TOPIC);
    expect(stored.expiration).toBe(fake.watchOf(USER)?.expiration);

    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      fake.deliver(USER, simpleMail(i, USER));
      await waitFor(
        () => messageCount(t as TestDaemon),
        (n) => n === i + 1,
        (POLL_S / 4) * 0.9 * 1000 - 2000,
      );
      expect(Date.now() - t0).toBeLessThan(10_000);
    }
    expect(fake.pushes().every((p) => p.status === 204)).toBe(true);
    // Neither the pushes' tokens nor their bodies reached a log line.
    const logs = JSON.stringify(t.logLines());
    for (const token of fake.issuedSecrets()) expect(logs).not.toContain(token);
  }, 60_000);

  it('100 parallel pushes with forged, expired, wrong-audience, wrong-sender or no credentials all answer 401 and trigger no sync', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake, pushConfig());
    await connectWatched(t, fake);
    const historyCalls = fake.requestCount(/\/history$/);
    const now = Math.floor(Date.now() / 1000);
    const bad: Record<string, string>[] = [
      { authorization: `Bearer ${forgedJwt()}` },
      { authorization: `Bearer ${signJwt(claims({ iat: now - 7200, exp: now - 3600 }))}` },
      { authorization: `Bearer ${signJwt(claims({ aud: 'https://someone-else.example/push' }))}` },
      { authorization: `Bearer ${signJwt(claims({ email: 'attacker@evil.iam.gserviceaccount.com' }))}` },
      { authorization: `Bearer ${signJwt(claims({ email_verified: false }))}` },
      { authorization: `Bearer ${signJwt(claims({ iss: 'https://evil.example' }))}` },
      { authorization: 'Bearer not-a-jwt' },
      {},
    ];
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => post(t as TestDaemon, pushBody(USER), bad[i % bad.length], i % 9 === 0 ? '?token=guess' : '')),
    );
    expect(answers.filter((a) => a.status !== 401)).toEqual([]);
    expect(new Set(answers.map((a) => a.code))).toEqual(new Set(['INTAKE_ERR_PUSH_UNAUTHENTICATED']));
    expect(fake.requestCount(/\/history$/)).toBe(historyCalls);

    // The same body with a genuine token is acked and syncs; an unknown address is acked too.
    const good = { authorization: `Bearer ${signJwt(claims())}` };
    expect((await post(t, pushBody('nobody@example.org'), good)).status).toBe(204);
    expect((await post(t, pushBody(USER), good)).status).toBe(204);
    await waitFor(
      () => fake?.requestCount(/\/history$/) ?? 0,
      (n) => n > historyCalls,
    );
  }, 60_000);

  it('shared-secret mode: a push to the endpoint URL with ?token=<secret> syncs; a wrong token is refused', async () => {
    const secret = 'push-secret-0123456789abcdef';
    fake = await startTestFake();
    t = await startTestDaemon(fake, { ...pushConfig({ audience: '' }), secrets: { googlePushSharedSecret: secret } });
    fake.configurePush({ topicName: TOPIC, endpoint: `${t.daemon.url}/push/gmail?token=${secret}` });
    await connectWatched(t, fake);
    fake.deliver(USER, simpleMail(1, USER));
    await waitFor(
      () => messageCount(t as TestDaemon),
      (n) => n === 1,
      10_000,
    );
    expect((await post(t, pushBody(USER), {}, '?token=push-secret-0123456789abcdeX')).status).toBe(401);
    // With no audience configured a Google-signed token alone does not pass.
    expect((await post(t, pushBody(USER), { authorization: `Bearer ${signJwt(claims())}` })).status).toBe(401);
    expect(JSON.stringify(t.logLines())).not.toContain(secret);
  }, 60_000);

  it('with every push dropped, the poll still brings every message', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake, pushConfig({}, { pollIntervalSeconds: 0.5 }));
    fake.configurePush({ topicName: TOPIC, endpoint: `${t.daemon.url}/push/gmail`, audience: AUDIENCE, serviceAccountEmail: PUSHER });
    await connectWatched(t, fake);
    fake.setPushDropped(true);
    for (let i = 0; i < 10; i++) fake.deliver(USER, simpleMail(i, USER));
    await waitFor(
      () => messageCount(t as TestDaemon),
      (n) => n === 10,
    );
    expect(fake.pushes()).toEqual([]);
  }, 60_000);

  it('the watch is renewed before it expires, and stopped when the mailbox is disconnected', async () => {
    fake = await startTestFake({ watchTtlMs: 3000 });
    t = await startTestDaemon(fake, pushConfig({ renewBeforeSeconds: 2 }));
    await connectWatched(t, fake);
    let lapsed = false;
    const f = fake;
    await waitFor(
      () => {
        lapsed ||= f.watchOf(USER) === undefined;
        return f.requests(/\/watch$/).length;
      },
      (n) => n >= 4,
    );
    expect(lapsed).toBe(false);
    const id = (t.daemon.db.prepare('SELECT id FROM mailboxes WHERE email = ?').get(USER) as { id: number }).id;
    expect((await t.api(`/api/mailboxes/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect(fake.requests(/\/stop$/)).toHaveLength(1);
    expect(fake.watchOf(USER)).toBeUndefined();
    expect(t.daemon.db.prepare('SELECT COUNT(*) AS n FROM gmail_watches').get()).toEqual({ n: 0 });
    // After a restart the disconnected mailbox is not watched again; a newly connected one is.
    const calls = fake.requests(/\/watch$/).length;
    await t.restart();
    await connectWatched(t, fake, 'second@example.com');
    expect(fake.requests(/\/watch$/).length).toBe(calls + 1);
    expect(fake.watchOf(USER)).toBeUndefined();
  }, 60_000);

  it('turning push off stops the watches an earlier run left', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake, pushConfig());
    await connectWatched(t, fake);
    const { config } = t;
    await t.close();
    t = undefined;
    const off = { ...config, google: { ...config.google, push: { ...config.google.push, enabled: false } } };
    const daemon = await startDaemon(off, testLogger('daemon'));
    try {
      await waitFor(
        () => daemon.db.prepare('SELECT COUNT(*) AS n FROM gmail_watches').get() as { n: number },
        (r) => r.n === 0,
      );
      expect(fake.watchOf(USER)).toBeUndefined();
      expect(fake.requests(/\/stop$/)).toHaveLength(1);
      expect((await fetch(`${daemon.url}/push/gmail`, { method: 'POST' })).status).toBe(404);
    } finally {
      await daemon.close();
    }
  }, 60_000);
});
