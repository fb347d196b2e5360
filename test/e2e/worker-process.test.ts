// `intake worker` processes on the bullmq driver (issue 17, point 6): one Redis, the fake
// Google, one `intake start --role scheduler` and two `intake worker` processes on one data
// dir. Every Gmail answer takes LATENCY_MS, so a worker at concurrency 4 nearly always holds
// jobs. What it proves:
// - SIGKILL: a worker killed mid-backfill loses nothing: the jobs it held come back after the
//   lease (BullMQ counts them as stalled) and the other worker finishes them → exactly N
//   ticket messages and N outbox events, none doubled. The killed worker, restarted, takes
//   over in the same way when the other one is killed.
// - SIGTERM: a worker finishes the jobs in hand (logged after the signal, never run again by
//   the other worker), takes no new ones, exits 0; the backfill ends at exactly N.
// - a worker's /readyz is 503 while Redis is down and 200 again once it is back; SIGTERM while
//   Redis is down stops a worker and a scheduler with exit 0.
import { afterEach, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FakeGoogle } from '../../src/dev/fake-google/index.js';
import { startTestFake } from '../helpers/test-fake.js';
import { freePort } from '../helpers/free-port.js';
import { spawnIntake, waitForHttp, type DaemonProcess } from '../helpers/daemon-process.js';
import { waitFor } from '../helpers/test-daemon.js';
import { simpleMail } from '../helpers/simple-mail.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { connectMailbox, daemonEnv, tally } from '../helpers/process-env.js';

const MAILBOX = 'workers@example.org';
const TOTAL = 600;
const LATENCY_MS = 200;
const CONCURRENCY = 4;

interface Worker {
  proc: DaemonProcess;
  url: string;
}

interface LogLine {
  time: string;
  msg: string;
  traceId?: string;
  outcome?: string;
}

function logLines(w: Worker): LogLine[] {
  return w.proc
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{') && l.endsWith('}'))
    .map((l) => JSON.parse(l) as LogLine);
}

const ingested = (w: Worker) => logLines(w).filter((l) => l.msg === 'message ingested');

/** Jobs waiting (delayed included) or running, as a worker's /metrics reports them. */
async function pending(w: Worker): Promise<number> {
  const text = await (await fetch(`${w.url}/metrics`)).text();
  const depth = (state: string) => Number(new RegExp(`intake_queue_depth\\{[^}]*state="${state}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? NaN);
  return depth('waiting') + depth('active');
}

async function readyz(w: Worker): Promise<{ status: number; body: { status: string } }> {
  const res = await fetch(`${w.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string } };
}

/** The worker's /readyz once it answers `status` (200 ready, 503 not ready). */
const readyzOnce = (w: Worker, status: number) =>
  waitFor(
    () => readyz(w),
    (r) => r.status === status,
    30_000,
  );

describe('intake worker processes (bullmq driver)', () => {
  let procs: DaemonProcess[] = [];
  let fake: FakeGoogle | undefined;
  let redis: TestRedis | undefined;

  afterEach(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    procs = [];
    await fake?.close();
    await redis?.close();
    fake = undefined;
    redis = undefined;
  });

  /** Redis and the fake holding `total` messages; the environment every process shares. */
  async function stack(total: number) {
    fake = await startTestFake({ latencyMs: LATENCY_MS });
    for (let i = 0; i < total; i++) fake.deliver(MAILBOX, simpleMail(i, MAILBOX));
    redis = await startTestRedis();
    const dataDir = mkdtempSync(join(tmpdir(), 'intake-workers-'));
    const port = await freePort();
    const apiToken = randomBytes(18).toString('base64url');
    const env = daemonEnv(fake, port, dataDir, apiToken, {
      INTAKE_QUEUE_DRIVER: 'bullmq',
      INTAKE_QUEUE_REDIS_URL: redis.url,
      INTAKE_QUEUE_CONCURRENCY: String(CONCURRENCY),
    });
    const base = `http://127.0.0.1:${port}`;
    const startScheduler = async () => {
      procs.push(spawnIntake(['start', '--role', 'scheduler'], env));
      await waitForHttp(`${base}/healthz`);
    };
    const connect = () => connectMailbox(base, apiToken, fake as FakeGoogle, MAILBOX);
    return { env, redisUrl: redis.url, startScheduler, connect, dbFile: join(dataDir, 'intake.sqlite') };
  }

  async function startWorker(env: NodeJS.ProcessEnv): Promise<Worker> {
    const port = await freePort();
    const proc = spawnIntake(['worker'], { ...env, INTAKE_QUEUE_WORKER_PORT: String(port) }, { keepLog: true });
    procs.push(proc);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/healthz`);
    return { proc, url };
  }

  const messagesAtLeast = (dbFile: string, n: number) =>
    waitFor(
      () => tally(dbFile).messages,
      (m) => m >= n,
      120_000,
    );

  /** Every message stored and nothing left in the queue: the counts can no longer change. */
  async function settled(dbFile: string, survivor: Worker) {
    await messagesAtLeast(dbFile, TOTAL);
    await waitFor(
      () => pending(survivor),
      (n) => n === 0,
      60_000,
    );
    return tally(dbFile);
  }

  it(`SIGKILL mid-backfill of ${TOTAL}: the killed worker's jobs run on the other, exactly ${TOTAL} ticket messages and events; the restarted worker takes over in turn`, async () => {
    const s = await stack(TOTAL);
    await s.startScheduler();
    const [a, b] = await Promise.all([startWorker(s.env), startWorker(s.env)]);
    await s.connect();
    // Both have taken jobs; A dies holding some.
    await waitFor(
      () => ({ stored: tally(s.dbFile).messages, a: ingested(a).length, b: ingested(b).length }),
      (v) => v.stored >= 100 && v.a > 0 && v.b > 0,
      120_000,
    );
    a.proc.child.kill('SIGKILL');
    await a.proc.exited;

    // A comes back; once it is working, B dies holding jobs, and A finishes the backfill.
    const again = await startWorker(s.env);
    await waitFor(
      () => ({ stored: tally(s.dbFile).messages, again: ingested(again).length }),
      (v) => v.stored >= TOTAL / 2 && v.again > 0,
      120_000,
    );
    expect(tally(s.dbFile).messages).toBeLessThan(TOTAL - 100);
    b.proc.child.kill('SIGKILL');
    await b.proc.exited;

    expect(await settled(s.dbFile, again)).toEqual({ messages: TOTAL, distinct: TOTAL, outbox: TOTAL, outboxDistinct: TOTAL });
    // The jobs each killed worker held came back from its expired lock and completed elsewhere.
    const queue = new Queue('ingest', { connection: { url: s.redisUrl }, prefix: 'intake' });
    try {
      const completed = await queue.getCompleted(0, -1);
      expect(completed).toHaveLength(TOTAL);
      expect(completed.filter((j) => j.stalledCounter > 0).length).toBeGreaterThanOrEqual(2);
    } finally {
      await queue.close();
    }
  }, 300_000);

  it(`SIGTERM mid-backfill of ${TOTAL}: the worker finishes the jobs in hand, takes no more and exits 0; exactly ${TOTAL} ticket messages and events`, async () => {
    const s = await stack(TOTAL);
    await s.startScheduler();
    const [a, b] = await Promise.all([startWorker(s.env), startWorker(s.env)]);
    await s.connect();
    await waitFor(
      () => ({ stored: tally(s.dbFile).messages, a: ingested(a).length }),
      (v) => v.stored >= 100 && v.a > 0,
      120_000,
    );
    a.proc.child.kill('SIGTERM');
    expect(await a.proc.exited).toBe(0);
    const lines = await waitFor(
      () => logLines(a),
      (l) => l.some((x) => x.msg === 'intake stopped'),
      10_000,
    );
    expect(lines.at(-1)?.msg).toBe('intake stopped');
    // In hand when the worker took the signal (its own log line says when: on a loaded machine
    // that can be well after kill() returned): finished after it, at most one per concurrency slot.
    const stopAt = lines.find((x) => x.msg === 'stop requested; finishing the jobs in hand')?.time;
    expect(stopAt).toBeDefined();
    const finished = ingested(a).filter((l) => Date.parse(l.time) >= Date.parse(stopAt!));
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.length).toBeLessThanOrEqual(CONCURRENCY);
    expect(finished.every((l) => l.outcome === 'ticket_created')).toBe(true);

    expect(await settled(s.dbFile, b)).toEqual({ messages: TOTAL, distinct: TOTAL, outbox: TOTAL, outboxDistinct: TOTAL });
    // B never ran them again: A's completions reached Redis before it closed.
    const byB = new Set(ingested(b).map((l) => l.traceId));
    expect(finished.filter((l) => byB.has(l.traceId))).toEqual([]);
    expect(ingested(b).filter((l) => l.outcome !== 'ticket_created')).toEqual([]);
  }, 300_000);

  it('/readyz of a worker: 503 while Redis is down, 200 again once it is back', async () => {
    const s = await stack(0);
    const w = await startWorker(s.env);
    await readyzOnce(w, 200);
    await redis?.kill();
    expect(await readyzOnce(w, 503)).toMatchObject({ body: { status: 'not_ready' } });
    expect((await fetch(`${w.url}/healthz`)).status).toBe(200);
    await redis?.start();
    expect(await readyzOnce(w, 200)).toMatchObject({ body: { status: 'ready' } });
    expect(w.proc.child.exitCode).toBeNull();
  }, 120_000);

  it('SIGTERM while Redis is down: a worker and a scheduler both stop cleanly with exit 0', async () => {
    const s = await stack(0);
    await s.startScheduler();
    const scheduler = procs[procs.length - 1] as DaemonProcess;
    const w = await startWorker(s.env);
    await readyzOnce(w, 200);
    await redis?.kill();
    await readyzOnce(w, 503);
    // Before the fix, a command left in ioredis' offline queue held QUIT and the Worker's close forever.
    w.proc.child.kill('SIGTERM');
    scheduler.child.kill('SIGTERM');
    expect(await Promise.all([w.proc.exited, scheduler.exited])).toEqual([0, 0]);
  }, 120_000);
});
