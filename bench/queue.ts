// bench:queue — end-to-end messages/s (connect → every message a ticket) for 2,000 messages
// over 8 mailboxes from the fake Google: the embedded driver in one process, and bullmq with
// a scheduler process plus 1, 2 and 4 `intake worker` processes, then as many
// `intake worker --remote` ones (each in its own directory, through Redis only), all in the
// same run, each row with its ratio to embedded. Also Redis commands per message and the workers' peak RSS.
// Contract: shared/BENCHMARKS.md. Starts its own redis-server; removes what it creates.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { startFakeGoogle, DEFAULT_CLIENT, type FakeGoogle } from '../src/dev/fake-google/index.js';
import { formatTable } from './lib/table.js';

const quick = process.argv.includes('--quick');
const MAILBOXES = 8;
const TOTAL = quick ? 400 : 2000;
const WORKER_COUNTS = quick ? [1, 2] : [1, 2, 4];
const MAIN = join(process.cwd(), 'src', 'main.ts');
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function mail(n: number, to: string): string {
  return [
    `From: Customer ${n} <customer${n}@example.net>`,
    `To: ${to}`,
    `Subject: Order question ${n}`,
    `Message-ID: <bench-${n}-${randomBytes(4).toString('hex')}@example.net>`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello, this is question ${n}. My order has not arrived yet; could you look into it?`,
    '',
  ].join('\r\n');
}

interface Proc {
  child: ChildProcess;
  exited: Promise<void>;
}

function spawnIntake(args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  return { child, exited: new Promise((resolve) => child.once('exit', () => resolve())) };
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench:queue: ${what} did not happen within ${timeoutMs} ms`);
    await sleep(25);
  }
}

function messageCount(file: string): number {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/** Peak resident set of a process (VmHWM), in MB. */
function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'intake-bench-redis-'));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => undefined);
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  probe.on('error', () => undefined); // refused until redis-server listens: waited for below
  await waitUntil(
    () =>
      probe.ping().then(
        () => true,
        () => false,
      ),
    15_000,
    'redis-server answering (is Debian redis-server installed?)',
  );
  probe.disconnect();
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Mode = 'embedded' | 'bullmq' | 'bullmq remote';

interface Row {
  driver: Mode;
  workers: number;
  msgs_per_s: number;
  ratio_vs_embedded_1: number;
  redis_ops_per_msg: number;
  worker_rss_mb: number;
}

async function run(mode: Mode, workers: number, redisUrl: string): Promise<Omit<Row, 'ratio_vs_embedded_1'>> {
  const driver = mode === 'embedded' ? 'embedded' : 'bullmq';
  const remote = mode === 'bullmq remote';
  const workerKey = randomBytes(32).toString('base64');
  // Google's legacy regime (15,000 units a minute per user, messages.get 5): about the pace the
  // fake and Intake kept before the quota regimes, so this measures the queue rather than the quota.
  const fake: FakeGoogle = await startFakeGoogle({ quotaRegime: 'legacy' });
  const dataDir = mkdtempSync(join(tmpdir(), 'intake-bench-queue-'));
  const port = await freePort();
  const apiToken = randomBytes(18).toString('base64url');
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    INTAKE_DATA_DIR: dataDir,
    INTAKE_HTTP_PORT: String(port),
    INTAKE_LOG_LEVEL: 'warn',
    INTAKE_SYNC_POLL_INTERVAL_SECONDS: '1',
    INTAKE_SPAM_STARTER_MODEL: 'false',
    INTAKE_GOOGLE_CLIENT_ID: DEFAULT_CLIENT.clientId,
    INTAKE_GOOGLE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
    INTAKE_GOOGLE_ENDPOINTS_AUTH_URL: fake.endpoints.oauth2AuthBaseUrl,
    INTAKE_GOOGLE_ENDPOINTS_TOKEN_URL: fake.endpoints.oauth2TokenUrl,
    INTAKE_GOOGLE_ENDPOINTS_REVOKE_URL: fake.endpoints.oauth2RevokeUrl,
    INTAKE_GOOGLE_ENDPOINTS_TOKEN_INFO_URL: fake.endpoints.tokenInfoUrl,
    INTAKE_GOOGLE_ENDPOINTS_USER_INFO_URL: fake.userInfoUrl,
    INTAKE_GOOGLE_ENDPOINTS_GMAIL_ROOT_URL: fake.gmailRootUrl,
    INTAKE_GOOGLE_QUOTA_REGIME: 'legacy',
    INTAKE_API_TOKEN: apiToken,
    INTAKE_SECRET_KEY: randomBytes(32).toString('base64'),
    ...(driver === 'bullmq' ? { INTAKE_QUEUE_DRIVER: 'bullmq', INTAKE_QUEUE_REDIS_URL: redisUrl, INTAKE_QUEUE_REDIS_PREFIX: prefix } : {}),
    ...(remote ? { INTAKE_WORKER_KEY: workerKey } : {}),
  };
  // A remote worker gets only what another host would: Redis, the worker key, Gmail's address, its own directory.
  const workerDirs: string[] = [];
  const workerEnv = (wport: number): NodeJS.ProcessEnv => {
    if (!remote) return { ...env, INTAKE_QUEUE_WORKER_PORT: String(wport) };
    const dir = mkdtempSync(join(tmpdir(), 'intake-bench-remote-'));
    workerDirs.push(dir);
    return {
      INTAKE_DATA_DIR: dir,
      INTAKE_LOG_LEVEL: 'warn',
      INTAKE_QUEUE_DRIVER: 'bullmq',
      INTAKE_QUEUE_REDIS_URL: redisUrl,
      INTAKE_QUEUE_REDIS_PREFIX: prefix,
      INTAKE_QUEUE_WORKER_PORT: String(wport),
      INTAKE_WORKER_KEY: workerKey,
      INTAKE_GOOGLE_ENDPOINTS_GMAIL_ROOT_URL: fake.gmailRootUrl,
      INTAKE_GOOGLE_QUOTA_REGIME: 'legacy',
    };
  };
  const emails = Array.from({ length: MAILBOXES }, (_, i) => `bench${i}@example.com`);
  for (let i = 0; i < TOTAL; i++) fake.deliver(emails[i % MAILBOXES] as string, mail(i, emails[i % MAILBOXES] as string));
  const procs: Proc[] = [];
  const redis = driver === 'bullmq' ? new Redis(redisUrl) : undefined;
  try {
    const base = `http://127.0.0.1:${port}`;
    procs.push(spawnIntake(driver === 'bullmq' ? ['start', '--role', 'scheduler'] : ['start'], env));
    await waitUntil(
      () =>
        fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      60_000,
      'the daemon answering',
    );
    const workerProcs: Proc[] = [];
    for (let w = 0; w < (driver === 'bullmq' ? workers : 0); w++) {
      const wport = await freePort();
      const p = spawnIntake(remote ? ['worker', '--remote'] : ['worker'], workerEnv(wport));
      procs.push(p);
      workerProcs.push(p);
      await waitUntil(
        () =>
          fetch(`http://127.0.0.1:${wport}/readyz`).then(
            (r) => r.ok,
            () => false,
          ),
        60_000,
        'a worker ready',
      );
    }
    const opsBefore = redis ? await commandsProcessed(redis) : 0;
    const started = performance.now();
    for (const email of emails) {
      const res = await fetch(`${base}/api/mailboxes/connect`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ loginHint: email }),
      });
      const { authUrl } = (await res.json()) as { authUrl: string };
      await fetch(fake.approveConsent(authUrl, { email }));
    }
    const dbFile = join(dataDir, 'intake.sqlite');
    await waitUntil(() => messageCount(dbFile) >= TOTAL, 600_000, `${TOTAL} ticket messages`);
    const seconds = (performance.now() - started) / 1000;
    const opsAfter = redis ? await commandsProcessed(redis) : 0;
    const rssProcs = driver === 'bullmq' ? workerProcs : procs;
    const rss = Math.max(...rssProcs.map((p) => peakRssMb(p.child.pid)));
    return {
      driver: mode,
      workers,
      msgs_per_s: Math.round((TOTAL / seconds) * 10) / 10,
      redis_ops_per_msg: Math.round(((opsAfter - opsBefore) / TOTAL) * 10) / 10,
      worker_rss_mb: Math.round(rss),
    };
  } finally {
    for (const p of procs.reverse()) {
      p.child.kill('SIGTERM');
      await p.exited;
    }
    redis?.disconnect();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
    for (const dir of workerDirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function commandsProcessed(redis: Redis): Promise<number> {
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
}

const redisServer = await startRedis();
const rows: Row[] = [];
try {
  progress(`embedded, 1 process, ${TOTAL} messages over ${MAILBOXES} mailboxes…`);
  const embedded = await run('embedded', 1, redisServer.url);
  rows.push({ ...embedded, ratio_vs_embedded_1: 1 });
  for (const mode of ['bullmq', 'bullmq remote'] as const) {
    for (const workers of WORKER_COUNTS) {
      progress(`${mode}, scheduler + ${workers} worker process(es)…`);
      const r = await run(mode, workers, redisServer.url);
      rows.push({ ...r, ratio_vs_embedded_1: Math.round((r.msgs_per_s / embedded.msgs_per_s) * 100) / 100 });
    }
  }
} finally {
  await redisServer.stop();
}

process.stdout.write(
  `${formatTable(
    ['driver', 'worker processes', 'msgs/s', 'ratio vs embedded 1', 'redis ops/msg', 'worker peak RSS (MB)'],
    rows.map((r) => [
      r.driver,
      String(r.workers),
      String(r.msgs_per_s),
      String(r.ratio_vs_embedded_1),
      String(r.redis_ops_per_msg),
      String(r.worker_rss_mb),
    ]),
  )}\n`,
);
process.stdout.write(
  `${JSON.stringify({
    bench: 'queue',
    node: process.version,
    cpus: cpus().length,
    input: `${TOTAL} messages over ${MAILBOXES} mailboxes from the fake Google${quick ? ' (quick)' : ''}`,
    rows,
  })}\n`,
);
