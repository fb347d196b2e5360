// The parts every entry point needs (database, keys, repositories, Google OAuth, queue),
// built once in dependency order. The daemon adds workers and servers on top; CLI
// commands use the core alone.
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../log/logger.js';
import { openDatabase, type Db } from '../store/database.js';
import { startBackgroundCheckpoints } from '../store/background-checkpoint.js';

import { ensurePrivateDir } from '../store/private-files.js';
import { MailboxRepo } from '../store/mailbox-repo.js';
import { AuditRepo } from '../store/audit-repo.js';
import { SecretBox } from '../crypto/secret-box.js';
import { loadKeys } from '../crypto/key-source.js';
import { subjectRefFn, type SubjectRefFn } from '../crypto/subject-ref.js';
import { loadInstanceSecret } from '../crypto/instance-secret.js';
import { auditChainKey } from '../crypto/audit-key.js';
import { setLogSubjectRef } from '../log/logger.js';
import { GoogleOAuth } from '../google/oauth-client.js';
import { createQueue } from '../queue/create-queue.js';
import { INGEST_QUEUE } from '../ingest/ingest-job.js';
import type { JobQueue } from '../queue/job-queue.js';
import { RevocationRepo } from '../privacy/revocation-repo.js';
import { MailboxSources } from '../mailboxes/mailbox-sources.js';
import { CALLBACK_PATH } from '../http/oauth-routes.js';
import type { DisconnectDeps } from '../privacy/disconnect-mailbox.js';
import { TicketRepo } from '../store/ticket-repo.js';
import { QuarantineRepo } from '../store/quarantine-repo.js';
import { PoisonRepo } from '../store/poison-repo.js';
import { SpamFilter } from '../spam/spam-filter.js';
import { forgetMailboxLearning } from '../review/forget-mailbox-learning.js';
import { ShutdownSteps } from './shutdown.js';
import { MailHandling } from '../ingest/mail-handling.js';
import { stopWatch } from '../push/watch-manager.js';
import { WatchRepo } from '../store/watch-repo.js';

/** How often a long-running process checkpoints the WAL off its main thread: ~10 MB of WAL at bench:ingest's pace. */
const CHECKPOINT_INTERVAL_MS = 200;

/**
 * For the processes that run for long and write much (`intake start`, `intake worker`): WAL
 * checkpoints on a thread of their own (store/background-checkpoint.ts), stopped before the
 * database closes. One-shot commands keep SQLite's automatic checkpoint.
 */
export function checkpointInBackground(core: Pick<Core, 'db' | 'log' | 'steps'>): void {
  const checkpoints = startBackgroundCheckpoints(core.db, CHECKPOINT_INTERVAL_MS, core.log.child({ module: 'store' }));
  core.steps.add('background checkpoints', () => checkpoints.stop());
}

export interface Core {
  config: Config;
  log: Logger;
  steps: ShutdownSteps;
  db: Db;
  /** Root of every MAC and keyed hash; independent of the (rotating) encryption key. */
  macRoot: Buffer;
  box: SecretBox;
  subjectRef: SubjectRefFn;
  mailboxes: MailboxRepo;
  audit: AuditRepo;
  tickets: TicketRepo;
  quarantine: QuarantineRepo;
  /** Guard, threading, sanitising, tombstones and the suppressed list (issue 15). */
  mail: MailHandling;
  poison: PoisonRepo;
  spam: SpamFilter;
  revocations: RevocationRepo;
  oauth: GoogleOAuth;
  queue: JobQueue;
  sources: MailboxSources;
  disconnectDeps: DisconnectDeps;
}

export function buildCore(config: Config, log: Logger, steps = new ShutdownSteps(log)): Core {
  ensurePrivateDir(config.dataDir, true);
  const keySource = loadKeys(config.secrets.secretKey, config.dataDir);
  if (keySource.generatedFile) {
    log.warn({ file: keySource.generatedFile }, 'no INTAKE_SECRET_KEY set; generated a key file (back it up with the database)');
  }
  const box = new SecretBox(keySource.keys);
  const db = openDatabase(config.database.file);
  steps.add('database', () => {
    db.close();
  });
  const mailboxes = new MailboxRepo(db);
  // Before the database closes, after the queue has stopped running jobs (steps run last-added first).
  steps.add('backfill progress', () => mailboxes.flushImported());
  const revocations = new RevocationRepo(db);
  const oauth = new GoogleOAuth({
    clientId: config.google.clientId,
    clientSecret: config.secrets.googleClientSecret ?? '',
    redirectUri: new URL(CALLBACK_PATH, config.http.publicUrl).toString(),
    endpoints: config.google.endpoints,
    requestTimeoutMs: config.google.requestTimeoutMs,
  });
  const sources = new MailboxSources(oauth, box, {
    pageSize: config.sync.pageSize,
    quota: {
      regime: config.google.quotaRegime,
      windowMs: config.google.quotaWindowMs,
      maxInFlightPerUser: config.google.maxInFlightPerUser,
    },
    scope: { labels: config.sync.labels, spam: config.sync.spamLabel },
    imap: config.imap,
    imapAccountOf: (id) => mailboxes.imapAccount(id),
  });
  steps.add('imap connections', () => sources.close());
  // Only an ingest job fetches from Google; a remote worker's commit (issue 17) never waits for quota.
  const queue = createQueue(config, db, log.child({ module: 'queue' }), (mailboxId, active, name) =>
    name === INGEST_QUEUE ? sources.fetchWaitMs(mailboxId, active) : 0,
  );
  steps.add('queue', () => queue.close());
  const macRoot = loadInstanceSecret(db, box);
  const subjectRef = subjectRefFn(macRoot);
  const audit = new AuditRepo(db, auditChainKey(macRoot));
  setLogSubjectRef(log, subjectRef);
  const spam = new SpamFilter(db, config.spam);
  const disconnectDeps: DisconnectDeps = {
    db,
    mailboxes,
    audit,
    queue,
    oauth,
    box,
    revocations,
    subjectRef,
    log: log.child({ module: 'privacy' }),
    forget: (id) => sources.forget(id),
    forgetLearning: (id) => forgetMailboxLearning(db, spam, id),
    stopWatch: (m) => stopWatch({ watches: new WatchRepo(db), apiFor: (x) => sources.apiFor(x), log: log.child({ module: 'push' }) }, m),
  };
  return {
    config,
    log,
    steps,
    db,
    macRoot,
    box,
    subjectRef,
    mailboxes,
    audit,
    tickets: new TicketRepo(db),
    quarantine: new QuarantineRepo(db),
    mail: new MailHandling(db, { threading: config.threading, guard: config.guard, html: config.html }),
    poison: new PoisonRepo(db),
    spam,
    revocations,
    oauth,
    queue,
    sources,
    disconnectDeps,
  };
}
