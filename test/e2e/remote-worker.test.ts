// Two hosts, shown on one: the store host (`intake start --role scheduler`, which alone holds
// the SQLite file, the secret key and the Google client secret) and a worker started with
// `intake worker --remote` in a data directory of its own, given only Redis, the worker key
// and Gmail's address. Every message is fetched and analysed by the worker and committed by
// the store host; the worker never opens the store (its open files are checked); a SIGKILL
// mid-backfill loses and doubles nothing; a spam mark reaches the worker's model replica.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FakeGoogle } from '../../src/dev/fake-google/index.js';
import { connectMailbox, daemonEnv, tally } from '../helpers/process-env.js';
import { startTestFake, TEST_QUOTA_WINDOW_MS } from '../helpers/test-fake.js';
import { freePort } from '../helpers/free-port.js';
import { spawnIntake, waitForHttp, type DaemonProcess } from '../helpers/daemon-process.js';
import { waitFor } from '../helpers/test-daemon.js';
import { simpleMail } from '../helpers/simple-mail.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';

const MAILBOX = 'remote@example.org';
const TOTAL = 300;

/** The store's spam model generation (spam_totals), which the worker's replica must reach. */
function storeGeneration(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT generation FROM spam_totals WHERE id = 1').get() as { generation: number }).generation;
  } finally {
    db.close();
  }
}

/** A metric's value from a Prometheus text page (summed over its label sets that match `labels`). */
async function metric(url: string, name: string, labels = ''): Promise<number> {
  const text = await fetch(url).then((r) => r.text());
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !line.includes(labels)) continue;
    const after = line.slice(name.length);
    if (after[0] !== ' ' && after[0] !== '{') continue;
    sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

/** Every file the process holds open, from /proc (Linux). */
function openFiles(pid: number): string[] {
  const dir = `/proc/${pid}/fd`;
  return readdirSync(dir).flatMap((fd) => {
    try {
      return [readlinkSync(join(dir, fd))];
    } catch {
      return [];
    }
  });
}

describe('intake worker --remote: a worker that reaches the store host only through Redis', () => {
  const procs: DaemonProcess[] = [];
  let fake: FakeGoogle | undefined;
  let redis: TestRedis | undefined;

  afterEach(async () => {
    for (const p of procs.splice(0)) {
      if (p.child.exitCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
    await fake?.close();
    await redis?.close();
  });

  it(`ingests ${TOTAL} messages through a remote worker killed once with SIGKILL: exactly ${TOTAL}, the store never opened by it`, async () => {
    fake = await startTestFake();
    for (let i = 0; i < TOTAL; i++) fake.deliver(MAILBOX, simpleMail(i, MAILBOX));
    redis = await startTestRedis();
    const storeDir = mkdtempSync(join(tmpdir(), 'intake-store-host-'));
    const workerDir = mkdtempSync(join(tmpdir(), 'intake-worker-host-'));
    const storeFile = join(storeDir, 'intake.sqlite');
    const apiToken = randomBytes(18).toString('base64url');
    const workerKey = randomBytes(32).toString('base64');
    const port = await freePort();
    const workerPort = await freePort();
    const shared = {
      INTAKE_QUEUE_DRIVER: 'bullmq',
      INTAKE_QUEUE_REDIS_URL: redis.url,
      INTAKE_QUEUE_LEASE_SECONDS: '2',
      INTAKE_WORKER_KEY: workerKey,
    };
    const store = spawnIntake(['start', '--role', 'scheduler'], daemonEnv(fake, port, storeDir, apiToken, shared));
    procs.push(store);
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/healthz`);
    // The worker host's whole configuration: no secret key, no client secret, no database path.
    const workerEnv = {
      ...shared,
      INTAKE_DATA_DIR: workerDir,
      INTAKE_QUEUE_WORKER_PORT: String(workerPort),
      INTAKE_GOOGLE_ENDPOINTS_GMAIL_ROOT_URL: fake.gmailRootUrl,
      INTAKE_GOOGLE_QUOTA_WINDOW_MS: String(TEST_QUOTA_WINDOW_MS),
    };
    const workerUrl = `http://127.0.0.1:${workerPort}`;
    const startWorker = async () => {
      const w = spawnIntake(['worker', '--remote'], workerEnv);
      procs.push(w);
      await waitForHttp(`${workerUrl}/readyz`);
      return w;
    };
    let worker = await startWorker();

    await connectMailbox(base, apiToken, fake, MAILBOX);

    await waitFor(
      () => tally(storeFile).messages,
      (n) => n >= 80,
      120_000,
    );
    const held = openFiles(worker.child.pid ?? 0);
    expect(held.some((f) => f.startsWith(storeDir))).toBe(false);
    expect(held.some((f) => f.startsWith(join(workerDir, 'spam-model-replica.sqlite')))).toBe(true);
    const shippedBeforeKill = await metric(`${workerUrl}/metrics`, 'intake_remote_ingest_total', 'outcome="shipped"');
    expect(shippedBeforeKill).toBeGreaterThan(0);
    worker.child.kill('SIGKILL');
    await worker.exited;
    worker = await startWorker();

    const final = await waitFor(
      () => tally(storeFile),
      (t) => t.messages >= TOTAL,
      180_000,
    );
    expect(final).toEqual({ messages: TOTAL, distinct: TOTAL, outbox: TOTAL, outboxDistinct: TOTAL });
    expect(existsSync(join(workerDir, 'intake.sqlite'))).toBe(false);
    // Every message after the restart was analysed on the worker, none fell back to the store host.
    expect(await metric(`${workerUrl}/metrics`, 'intake_remote_ingest_total', 'outcome="forwarded"')).toBe(0);

    // An agent's spam mark moves the store's model; the worker's replica follows it.
    const api = { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' };
    const reader = new Database(storeFile, { readonly: true });
    const messageId = (reader.prepare('SELECT MIN(id) AS id FROM messages').get() as { id: number }).id;
    reader.close();
    const marked = await fetch(`${base}/api/messages/${messageId}/verdict`, {
      method: 'PUT',
      headers: api,
      body: JSON.stringify({ verdict: 'spam' }),
    });
    expect(marked.status).toBe(200);
    const generation = storeGeneration(storeFile);
    await waitFor(
      () => metric(`${workerUrl}/metrics`, 'intake_remote_model_generation'),
      (g) => g === generation,
      60_000,
    );

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(openFiles(store.child.pid ?? 0).some((f) => f.startsWith(workerDir))).toBe(false);
  }, 420_000);
});
