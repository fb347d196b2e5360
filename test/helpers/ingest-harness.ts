// The real ingest pipeline over a fresh SQLite file in a temp dir, with messages served from
// memory instead of Gmail: for the fuzz and hostile-mail tests, which are about what happens
// after fetch. Parse + classify run inline or in the real worker pool.
import { MailHandling } from '../../src/ingest/mail-handling.js';
import { defaultMailHandling, type MailHandlingOptions } from '../../src/ingest/mail-options.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/store/database.js';
import { MailboxRepo } from '../../src/store/mailbox-repo.js';
import { TicketRepo } from '../../src/store/ticket-repo.js';
import { QuarantineRepo } from '../../src/store/quarantine-repo.js';
import { PoisonRepo } from '../../src/store/poison-repo.js';
import { SpamFilter } from '../../src/spam/spam-filter.js';
import { defaultSpamOptions } from '../../src/spam/spam-options.js';
import { FilterSpamCheck } from '../../src/ingest/filter-spam-check.js';
import { inlineAnalyse } from '../../src/ingest/analyse.js';
import { AnalysePool } from '../../src/ingest/worker/analyse-pool.js';
import { ingestMessage, type IngestDeps, type IngestResult } from '../../src/ingest/ingest-message.js';
import { createLogger } from '../../src/log/logger.js';
import type { FetchedMessage, MailSource } from '../../src/sources/mail-source.js';
import { EMPTY_CURSOR } from '../../src/sources/mail-source.js';

export const HARNESS_LIMITS = { maxMessageBytes: 36_700_160, maxAttachmentBytes: 10_485_760 };

export interface Harness {
  db: Db;
  deps: IngestDeps;
  mailboxId: number;
  /** Ingests `raw` as message `id` of the harness's mailbox, or of `mailboxId`. */
  ingest(id: string, raw: Buffer, mailboxId?: number): Promise<IngestResult>;
  /** 'ticket' | 'quarantine' | 'suppressed' | 'poison' | null: where the message landed. */
  landedAs(id: string): 'ticket' | 'quarantine' | 'suppressed' | 'poison' | null;
  problemsOf(id: string): string[];
  /** Resolves once the worker threads (if any) have started. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

function withoutLoopBreaker(o: MailHandlingOptions): MailHandlingOptions {
  return { ...o, guard: { ...o.guard, rateLimit: { ...o.guard.rateLimit, maxNewTicketsPerSender: 1_000_000 } } };
}

export function openHarness(options: { workerThreads: number; maxHeapMb?: number; timeoutMs?: number }): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'intake-ingest-'));
  const file = join(dir, 'intake.sqlite');
  const db = openDatabase(file);
  const mailboxes = new MailboxRepo(db);
  const { mailbox } = mailboxes.upsertConnected({ email: 'harness@example.com', source: 'gmail', refreshTokenCipher: 'x', scopes: [] });
  const spamOptions = defaultSpamOptions();
  const messages = new Map<string, Buffer>();
  const source: MailSource = {
    listChanges: () => Promise.resolve({ refs: [], cursor: EMPTY_CURSOR, more: false, phase: 'incremental' }),
    fetchRaw: (id: string): Promise<FetchedMessage> => {
      const raw = messages.get(id);
      if (!raw) return Promise.reject(new Error(`no message ${id}`));
      return Promise.resolve({ raw, threadId: null, labelIds: ['INBOX'], internalDate: Date.now() });
    },
  } as unknown as MailSource;
  const pool =
    options.workerThreads > 0
      ? new AnalysePool(
          { limits: HARNESS_LIMITS, spam: { dbFile: file, options: spamOptions }, html: defaultMailHandling().html },
          { threads: options.workerThreads, maxHeapMb: options.maxHeapMb ?? 96, timeoutMs: options.timeoutMs ?? 60_000, idleMs: 60_000 },
          createLogger({ level: 'silent' }),
        )
      : null;
  const deps: IngestDeps = {
    mailboxes,
    tickets: new TicketRepo(db),
    quarantine: new QuarantineRepo(db),
    poison: new PoisonRepo(db),
    sourceFor: () => source,
    analyse: pool
      ? pool.analyse
      : inlineAnalyse(HARNESS_LIMITS, new FilterSpamCheck(new SpamFilter(db, spamOptions)), defaultMailHandling().html),
    limits: HARNESS_LIMITS,
    // Every generated message comes from one sender: the loop breaker would hold all but the
    // first few, and what is under test here is reading the mail, not the breaker.
    mail: new MailHandling(db, withoutLoopBreaker(defaultMailHandling())),
    log: createLogger({ level: 'silent' }),
  };
  const one = <T>(sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as T | undefined;
  return {
    db,
    deps,
    mailboxId: mailbox.id,
    async ingest(id, raw, mailboxId = mailbox.id) {
      messages.set(id, raw);
      try {
        return await ingestMessage(deps, { mailboxId, providerMessageId: id, threadId: null });
      } finally {
        messages.delete(id);
      }
    },
    landedAs(id) {
      if (one('SELECT 1 FROM messages WHERE mailbox_id = ? AND provider_message_id = ?', mailbox.id, id)) return 'ticket';
      if (one('SELECT 1 FROM quarantine WHERE mailbox_id = ? AND provider_message_id = ?', mailbox.id, id)) return 'quarantine';
      if (one('SELECT 1 FROM suppressed WHERE mailbox_id = ? AND provider_message_id = ?', mailbox.id, id)) return 'suppressed';
      if (one('SELECT 1 FROM poison_messages WHERE mailbox_id = ? AND provider_message_id = ?', mailbox.id, id)) return 'poison';
      return null;
    },
    problemsOf(id) {
      const row = one<{ p: string | null }>(
        'SELECT parse_problems AS p FROM messages WHERE mailbox_id = ? AND provider_message_id = ?',
        mailbox.id,
        id,
      );
      return row?.p ? (JSON.parse(row.p) as string[]) : [];
    },
    ready: async () => {
      await pool?.ready();
    },
    async close() {
      await pool?.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
