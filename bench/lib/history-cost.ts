// bench:ingest's history figure: CPU per ingested message through the embedded queue and
// the real ingest pipeline, over an empty store and over one already holding 200,000
// completed jobs and 200,000 messages, interleaved in the same run. A flat cost (ratio near
// 1) means claiming and every per-message lookup go through an index.
import { MailHandling } from '../../src/ingest/mail-handling.js';
import { PoisonRepo } from '../../src/store/poison-repo.js';
import { inlineAnalyse } from '../../src/ingest/analyse.js';
import { defaultMailHandling } from '../../src/ingest/mail-options.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/store/database.js';
import { MailboxRepo } from '../../src/store/mailbox-repo.js';
import { TicketRepo } from '../../src/store/ticket-repo.js';
import { QuarantineRepo } from '../../src/store/quarantine-repo.js';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.js';
import { INGEST_QUEUE, ingestJobId, type IngestJobData } from '../../src/ingest/ingest-job.js';
import { ingestMessage, type IngestDeps } from '../../src/ingest/ingest-message.js';
import { createLogger } from '../../src/log/logger.js';
import type { ChangeBatch, FetchedMessage, MailSource } from '../../src/sources/mail-source.js';
import { EMPTY_CURSOR } from '../../src/sources/mail-source.js';

export const HISTORY_ROWS = 200_000;
const LIMITS = { maxMessageBytes: 36_700_160, maxAttachmentBytes: 10_485_760 };
const QUEUE_OPTIONS = { maxAttempts: 3, backoffMs: 100, maxBackoffMs: 1000, leaseSeconds: 300, pollMs: 20 };

export interface HistoryCost {
  cpuMsPerMsgEmpty: number;
  cpuMsPerMsgHistory: number;
  ratio: number;
  messagesPerRun: number;
  runs: number;
}

/** Each message in a thread of its own, as Gmail reports it: the new-thread lookup runs every time. */
class ThreadedMemorySource implements MailSource {
  private readonly messages: Map<string, Buffer>;

  constructor(messages: Map<string, Buffer>) {
    this.messages = messages;
  }

  listChanges(): Promise<ChangeBatch> {
    return Promise.resolve({ refs: [], cursor: EMPTY_CURSOR, more: false, phase: 'incremental' });
  }

  fetchRaw(id: string): Promise<FetchedMessage> {
    const raw = this.messages.get(id);
    if (!raw) return Promise.reject(new Error(`no message ${id}`));
    return Promise.resolve({ raw, threadId: `thread-${id}`, labelIds: ['INBOX'], internalDate: Date.now() });
  }
}

interface Store {
  dir: string;
  db: Db;
  mailboxId: number;
  queue: EmbeddedQueue;
  deps: IngestDeps;
  messages: Map<string, Buffer>;
}

function openStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'intake-bench-history-'));
  const db = openDatabase(join(dir, 'intake.sqlite'));
  const mailboxes = new MailboxRepo(db);
  const { mailbox } = mailboxes.upsertConnected({ email: 'history@example.com', source: 'gmail', refreshTokenCipher: 'x', scopes: [] });
  const messages = new Map<string, Buffer>();
  const source = new ThreadedMemorySource(messages);
  const log = createLogger({ level: 'silent' });
  const deps: IngestDeps = {
    mailboxes,
    tickets: new TicketRepo(db),
    quarantine: new QuarantineRepo(db),
    sourceFor: () => source,
    poison: new PoisonRepo(db),
    // No spam filter: the store's cost is what this measures.
    analyse: inlineAnalyse(LIMITS, null),
    limits: LIMITS,
    mail: new MailHandling(db, defaultMailHandling()),
    log,
  };
  return { dir, db, mailboxId: mailbox.id, queue: new EmbeddedQueue(db, log, QUEUE_OPTIONS), deps, messages };
}

/** 200,000 completed ingest jobs and 200,000 stored messages (in 50,000 threads), written directly. */
function seedHistory(store: Store): void {
  const { db, mailboxId } = store;
  const now = Date.now();
  const job = db.prepare(
    `INSERT INTO jobs (id, queue, name, payload, mailbox_id, state, attempts, max_attempts, run_at, created_at, finished_at)
     VALUES (?, 'ingest', 'ingest', ?, ?, 'completed', 1, 8, ?, ?, ?)`,
  );
  const ticket = db.prepare(
    'INSERT INTO tickets (mailbox_id, thread_key, subject, message_count, created_at, updated_at) VALUES (?, ?, ?, 4, ?, ?)',
  );
  const message = db.prepare(
    `INSERT INTO messages (ticket_id, mailbox_id, provider_message_id, provider_thread_id, message_id_header, from_address,
       subject, received_at, text_body, size_bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 600, ?)`,
  );
  db.transaction(() => {
    let ticketId = 0;
    for (let i = 0; i < HISTORY_ROWS; i++) {
      const id = `old${i}`;
      const thread = `oldthread${Math.floor(i / 4)}`;
      job.run(ingestJobId(mailboxId, id), JSON.stringify({ mailboxId, providerMessageId: id, threadId: thread }), mailboxId, now, now, now);
      if (i % 4 === 0) ticketId = Number(ticket.run(mailboxId, `gmail:${thread}`, `Old question ${i}`, now, now).lastInsertRowid);
      message.run(
        ticketId,
        mailboxId,
        id,
        thread,
        `<old${i}@example.net>`,
        `customer${i % 5000}@example.net`,
        `Old question ${i}`,
        now,
        'old body',
        now,
      );
    }
  })();
}

/** CPU ms per message to enqueue and ingest `raws` through the queue with four workers. */
async function ingestRun(store: Store, raws: Buffer[], prefix: string): Promise<number> {
  const jobs = raws.map((raw, i) => {
    const id = `${prefix}${i}`;
    store.messages.set(id, raw);
    const data: IngestJobData = { mailboxId: store.mailboxId, providerMessageId: id, threadId: `thread-${id}` };
    return { id: ingestJobId(store.mailboxId, id), name: 'ingest', mailboxId: store.mailboxId, data };
  });
  let done = 0;
  const errors: string[] = [];
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const before = process.cpuUsage();
  const worker = store.queue.process<IngestJobData>(
    INGEST_QUEUE,
    async (job) => {
      // Caught here so a failure is counted once, not retried into the timing.
      try {
        await ingestMessage(store.deps, job.data);
      } catch (err) {
        errors.push((err as Error).message);
      }
      if (++done === jobs.length) finished();
    },
    { concurrency: 4 },
  );
  await store.queue.addBulk(INGEST_QUEUE, jobs);
  await allDone;
  const used = process.cpuUsage(before);
  await worker.close();
  if (errors.length > 0) throw new Error(`history cost: ${errors.length} messages failed to ingest, first: ${errors[0]}`);
  return (used.user + used.system) / 1000 / raws.length;
}

async function close(store: Store): Promise<void> {
  await store.queue.close();
  store.db.close();
  rmSync(store.dir, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Interleaved runs (empty, history, empty, ...), each on `raws`; the median of each side. */
export async function measureHistoryCost(raws: Buffer[], runs: number, progress: (msg: string) => void): Promise<HistoryCost> {
  progress(`history cost: seeding ${HISTORY_ROWS} completed jobs and ${HISTORY_ROWS} messages (not timed)…`);
  const history = openStore();
  try {
    seedHistory(history);
    const empty: number[] = [];
    const full: number[] = [];
    for (let r = 0; r < runs; r++) {
      progress(`history cost: run ${r + 1}/${runs}…`);
      const fresh = openStore();
      try {
        empty.push(await ingestRun(fresh, raws, `e${r}-`));
      } finally {
        await close(fresh);
      }
      full.push(await ingestRun(history, raws, `h${r}-`));
    }
    const cpuMsPerMsgEmpty = median(empty);
    const cpuMsPerMsgHistory = median(full);
    return { cpuMsPerMsgEmpty, cpuMsPerMsgHistory, ratio: cpuMsPerMsgHistory / cpuMsPerMsgEmpty, messagesPerRun: raws.length, runs };
  } finally {
    await close(history);
  }
}
