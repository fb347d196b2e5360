// bench:delivery: events committed by the real ticket write, fanned out and delivered by the
// real Deliverer (embedded queue, signing, keep-alive POSTs) to a receiver on loopback, against
// undici posting the same bodies to the same receiver at the same concurrency in the same run.
// Both paths are warmed up first (not timed). Then commit -> receipt latency with events committed
// at a steady 50 events/s.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { openDatabase, type Db } from '../src/store/database.js';
import { startBackgroundCheckpoints } from '../src/store/background-checkpoint.js';
import { SecretBox } from '../src/crypto/secret-box.js';
import { EmbeddedQueue } from '../src/queue/embedded-queue.js';
import { Deliverer } from '../src/delivery/deliverer.js';
import { TicketRepo, type NewTicketMessage } from '../src/store/ticket-repo.js';
import { MailboxRepo } from '../src/store/mailbox-repo.js';
import { createLogger } from '../src/log/logger.js';
import { eventsOf } from '../src/store/event-repo.js';
import { eventBody } from '../src/delivery/event-body.js';
import { formatTable } from './lib/table.js';
import { percentile, round } from './lib/metrics.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { quick: { type: 'boolean', default: false }, events: { type: 'string' } },
  strict: true,
});
const BURST = values.events ? Number(values.events) : values.quick ? 300 : 2000;
const PACED = values.quick ? 100 : 500;
const RATE_PER_S = 50;
const PER_TICKET = 5;
const WARM_UP = values.quick ? 100 : 500;
/** Message numbers of the warm-up, apart from the measured ones (their own tickets). */
const WARM_UP_BASE = 1_000_000;
const CONCURRENCY = 8;
const progress = (s: string) => process.stderr.write(`${s}\n`);

interface Receiver {
  server: Server;
  url: string;
  received: Map<string, number>;
}

async function startReceiver(): Promise<Receiver> {
  const received = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }).id;
      if (!received.has(id)) received.set(id, Date.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

function message(mailboxId: number, n: number): NewTicketMessage {
  const thread = `thread-${Math.floor(n / PER_TICKET)}`;
  return {
    mailboxId,
    providerMessageId: `m-${n}`,
    providerThreadId: thread,
    messageIdHeader: `<m-${n}@bench.example>`,
    inReplyTo: null,
    references: [],
    from: { address: `customer${n % 97}@bench.example`, name: 'Customer' },
    to: [{ address: 'help@bench.example', name: '' }],
    cc: [],
    subject: `Question ${thread}`,
    sentAt: Date.now(),
    receivedAt: Date.now(),
    text: `Hello, this is message ${n}. `.repeat(20),
    html: null,
    sizeBytes: 1200,
    problems: [],
    spam: { verdict: 'ham', score: 0.05, evidence: [] },
    needsReview: false,
    attachments: [],
    traceId: randomBytes(16).toString('hex'),
  };
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function eventTimes(db: Db, fromId: number): Map<string, number> {
  const rows = db
    .prepare<[number], { event_id: string; created_at: number }>('SELECT event_id, created_at FROM outbox WHERE id > ?')
    .all(fromId);
  return new Map(rows.map((r) => [r.event_id, r.created_at]));
}

async function bareBaseline(receiver: Receiver, bodies: string[]): Promise<number> {
  const pool = new Pool(new URL(receiver.url).origin, { connections: CONCURRENCY });
  const path = new URL(receiver.url).pathname;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++] as string;
        const res = await pool.request({ method: 'POST', path, body, headers: { 'content-type': 'application/json' } });
        await res.body.dump();
      }
    }),
  );
  const perSecond = bodies.length / ((performance.now() - started) / 1000);
  await pool.close();
  return perSecond;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'intake-bench-delivery-'));
  const receiver = await startReceiver();
  const db = openDatabase(join(dir, 'intake.sqlite'));
  const log = createLogger({ level: 'warn', destination: process.stderr });
  // As the daemon runs its store (daemon/core.ts): WAL checkpoints on a thread of their own.
  const checkpoints = startBackgroundCheckpoints(db, 200, log);
  const queue = new EmbeddedQueue(db, log, { maxAttempts: 8, backoffMs: 100, maxBackoffMs: 2000, leaseSeconds: 60, pollMs: 200 });
  const policy = { allowInsecureLoopback: true, allowPrivateNetworks: false, allowLinkLocal: false };
  const box = new SecretBox([randomBytes(32)]);
  const deliverer = new Deliverer(
    db,
    box,
    queue,
    { ...policy, maxRetryHours: 72, requestTimeoutMs: 10_000, concurrency: CONCURRENCY, dispatchIntervalMs: 200 },
    log,
  );
  try {
    const mailbox = new MailboxRepo(db).upsertConnected({
      email: 'help@bench.example',
      source: 'gmail',
      refreshTokenCipher: box.seal('unused'),
      scopes: [],
    }).mailbox;
    const tickets = new TicketRepo(db);
    deliverer.endpoints.create({ url: receiver.url, events: [], description: 'bench', createdBy: 'bench' });
    deliverer.start();

    // Both paths warmed first, neither timed: measured cold, the deliverer ran first and paid
    // for the JIT of the parts both share (the receiver, undici), which the bare POSTs then
    // found warm (a 10,000-event burst ran at 4,700 events/s where 2,000 ran at 3,400-3,900).
    progress(`warm-up: ${WARM_UP} events delivered and POSTed bare, not timed`);
    for (let n = 0; n < WARM_UP; n++) tickets.write(message(mailbox.id, WARM_UP_BASE + n));
    deliverer.kick();
    await waitUntil(() => receiver.received.size >= WARM_UP, 300_000);
    await bareBaseline(
      receiver,
      eventsOf(db)
        .after(0, WARM_UP)
        .map((e) => eventBody(e)),
    );
    receiver.received.clear();
    const firstMeasured = db.prepare<[], { id: number }>('SELECT MAX(id) AS id FROM outbox').get()?.id ?? 0;

    progress(`burst: committing ${BURST} events, then delivering them`);
    // The commits are ingest's cost (bench:ingest); this measures delivery of a committed backlog.
    for (let n = 0; n < BURST; n++) tickets.write(message(mailbox.id, n));
    const started = performance.now();
    deliverer.kick();
    await waitUntil(() => receiver.received.size >= BURST, 300_000);
    const deliveredPerS = BURST / ((performance.now() - started) / 1000);
    const burstBodies = eventsOf(db)
      .after(firstMeasured, BURST)
      .map((e) => eventBody(e));

    progress(`bare: undici posting the same ${burstBodies.length} bodies`);
    receiver.received.clear();
    const barePerS = await bareBaseline(receiver, burstBodies);

    progress(`paced: ${PACED} events at ${RATE_PER_S}/s`);
    receiver.received.clear();
    const lastBefore = db.prepare<[], { id: number }>('SELECT MAX(id) AS id FROM outbox').get()?.id ?? 0;
    const t0 = Date.now();
    for (let i = 0; i < PACED; i++) {
      const due = t0 + (i * 1000) / RATE_PER_S;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      tickets.write(message(mailbox.id, BURST + i));
      deliverer.kick();
    }
    await waitUntil(() => receiver.received.size >= PACED, 120_000);
    const committed = eventTimes(db, lastBefore);
    const latencies = [...receiver.received].map(([id, at]) => at - (committed.get(id) ?? at));

    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    process.stdout.write(
      `${formatTable(
        ['measure', 'value'],
        [
          ['delivered (events/s)', round(deliveredPerS, 1).toString()],
          ['bare undici POST (events/s)', round(barePerS, 1).toString()],
          ['ratio vs bare POST', round(deliveredPerS / barePerS, 3).toString()],
          [`commit -> receipt p50 at ${RATE_PER_S}/s (ms)`, round(p50, 1).toString()],
          [`commit -> receipt p95 at ${RATE_PER_S}/s (ms)`, round(p95, 1).toString()],
        ],
      )}\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: 'delivery',
        node: process.version,
        cpus: cpus().length,
        input: `${BURST} committed events (a backlog, ${PER_TICKET} per ticket) + ${PACED} events at ${RATE_PER_S}/s, loopback receiver, concurrency ${CONCURRENCY}, both paths warmed with ${WARM_UP} events`,
        delivered_per_s: round(deliveredPerS, 1),
        bare_post_per_s: round(barePerS, 1),
        ratio_vs_bare_post: round(deliveredPerS / barePerS, 3),
        commit_to_receipt_p50_ms: round(p50, 1),
        commit_to_receipt_p95_ms: round(p95, 1),
      })}\n`,
    );
  } finally {
    await deliverer.close();
    await queue.close();
    await checkpoints.stop();
    db.close();
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
