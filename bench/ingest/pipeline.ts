// The real ingest pipeline for the benchmark: ingestMessage with the worker-thread pool over a
// SQLite file (the store of a running daemon, or a fresh one), messages served from memory.
import { MailHandling } from '../../src/ingest/mail-handling.js';
import { analyseThreads } from '../../src/config/worker-threads.js';
import { defaultMailHandling } from '../../src/ingest/mail-options.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackgroundCheckpoints } from '../../src/store/background-checkpoint.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { MailboxRepo } from '../../src/store/mailbox-repo.js';
import { TicketRepo } from '../../src/store/ticket-repo.js';
import { QuarantineRepo } from '../../src/store/quarantine-repo.js';
import { PoisonRepo } from '../../src/store/poison-repo.js';
import { defaultSpamOptions } from '../../src/spam/spam-options.js';
import { AnalysePool } from '../../src/ingest/worker/analyse-pool.js';
import { ingestMessage, type IngestDeps } from '../../src/ingest/ingest-message.js';
import { createLogger } from '../../src/log/logger.js';
import { MemorySource } from './memory-source.js';

export const LIMITS = { maxMessageBytes: 36_700_160, maxAttachmentBytes: 10_485_760 };
/** As the daemon's defaults: ingest.workerThreads ("auto" on this machine's cores), workerMaxHeapMb, queue.concurrency. */
export const THREADS = analyseThreads('auto');
export const CONCURRENCY = 4;

export interface Pipeline {
  db: Db;
  dir: string | null;
  ingestAll(raws: readonly Buffer[], prefix: string): Promise<{ perSecond: number; failures: string[] }>;
  close(): Promise<void>;
}

/** Over `db` (a daemon's) or a fresh file in a temp dir (removed by the caller through `dir`). */
export async function openPipeline(existing?: { db: Db; file: string }): Promise<Pipeline> {
  const dir = existing ? null : mkdtempSync(join(tmpdir(), 'intake-bench-'));
  const file = existing?.file ?? join(dir!, 'intake.sqlite');
  const db = existing?.db ?? openDatabase(file);
  // As the daemon runs its store (daemon/core.ts): WAL checkpoints on a thread of their own.
  const checkpoints = existing ? null : startBackgroundCheckpoints(db, 200, createLogger({ level: 'warn' }));
  const mailboxes = new MailboxRepo(db);
  const { mailbox } = mailboxes.upsertConnected({
    email: `bench-${Date.now()}@example.com`,
    source: 'gmail',
    refreshTokenCipher: 'x',
    scopes: [],
  });
  const messages = new Map<string, Buffer>();
  const pool = new AnalysePool(
    { limits: LIMITS, spam: { dbFile: file, options: defaultSpamOptions() }, html: defaultMailHandling().html },
    { threads: THREADS, maxHeapMb: 96, timeoutMs: 60_000, idleMs: 60_000 },
    createLogger({ level: 'silent' }),
  );
  await pool.ready();
  const deps: IngestDeps = {
    mailboxes,
    tickets: new TicketRepo(db),
    quarantine: new QuarantineRepo(db),
    poison: new PoisonRepo(db),
    sourceFor: () => new MemorySource(messages),
    analyse: pool.analyse,
    limits: LIMITS,
    // The guard, threading and sanitising are in the measured path, as in the daemon.
    mail: new MailHandling(db, defaultMailHandling()),
    log: createLogger({ level: 'silent' }),
  };
  return {
    db,
    dir,
    async ingestAll(raws, prefix) {
      raws.forEach((raw, i) => messages.set(`${prefix}${i}`, raw));
      const failures: string[] = [];
      let next = 0;
      const started = performance.now();
      // CONCURRENCY jobs in flight, as the queue runs them.
      const lane = async () => {
        for (let i = next++; i < raws.length; i = next++) {
          try {
            const r = await ingestMessage(deps, { mailboxId: mailbox.id, providerMessageId: `${prefix}${i}`, threadId: null });
            if (r.outcome === 'quarantined' || r.outcome === 'poisoned') failures.push(`${prefix}${i}: ${r.outcome}`);
          } catch (err) {
            failures.push(`${prefix}${i}: ${(err as Error).message}`);
          }
          messages.delete(`${prefix}${i}`);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, lane));
      return { perSecond: raws.length / ((performance.now() - started) / 1000), failures };
    },
    async close() {
      await pool.close();
      await checkpoints?.stop();
      if (!existing) db.close();
    },
  };
}
