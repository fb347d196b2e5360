// One sync pass for one mailbox: list changes, enqueue one ingest job per message, and
// only once the enqueue is durable move the cursor. Failures stay with this mailbox.
import type { Mailbox, MailboxRepo } from '../store/mailbox-repo.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { ChangeBatch, MailSource, SyncCursor } from '../sources/mail-source.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { IntakeError, isIntakeError } from '../errors/intake-error.js';
import { reconsentReason } from '../google/classify-google-error.js';
import { INGEST_QUEUE, ingestJobId, type IngestJobData } from '../ingest/ingest-job.js';
import { syncPlanFor } from './sync-plan.js';
import { landedAs, type LandedLookups } from '../ingest/landed.js';

export interface SyncDeps {
  mailboxes: MailboxRepo;
  queue: JobQueue;
  sourceFor: (mailbox: Mailbox) => MailSource;
  log: Logger;
  metrics: Metrics;
  enqueueTimeoutMs: number;
  maxPagesPerPass: number;
  /** What already landed is not queued again (a relist after history expiry or a Redis loss). */
  landed: LandedLookups;
}

/** 'changed': the pass enqueued messages (the scheduler polls a busy mailbox sooner). */
export type SyncResult = 'ok' | 'changed' | 'needs_reconsent' | 'failed' | 'awaiting_confirm';

export async function syncMailbox(deps: SyncDeps, mailbox: Mailbox): Promise<SyncResult> {
  const log = deps.log.child({ mailboxId: mailbox.id });
  // The admin asked to preview before the first import: nothing is listed until they confirm.
  if (deps.mailboxes.syncState(mailbox.id)?.awaitingConfirm) return 'awaiting_confirm';
  try {
    const enqueued = await runPass(deps, mailbox, log);
    deps.mailboxes.recordSuccess(mailbox.id);
    deps.metrics.syncRuns.inc({ result: 'ok' });
    if (enqueued > 0) log.info({ enqueued }, 'sync enqueued messages');
    return enqueued > 0 ? 'changed' : 'ok';
  } catch (err) {
    return handleFailure(deps, mailbox, err, log);
  }
}

async function runPass(deps: SyncDeps, mailbox: Mailbox, log: Logger): Promise<number> {
  const state = deps.mailboxes.syncState(mailbox.id);
  let cursor: SyncCursor = {
    historyId: state?.historyId ?? null,
    backfillPageToken: state?.backfillPageToken ?? null,
    backfillHistoryId: state?.backfillHistoryId ?? null,
    backfillQuery: state?.backfillQuery ?? null,
  };
  const plan = syncPlanFor(state);
  const source = deps.sourceFor(mailbox);
  let enqueued = 0;
  for (let page = 0; page < deps.maxPagesPerPass; page++) {
    const batch = await source.listChanges(cursor, plan);
    if (batch.startedBackfill) startedBackfill(deps, mailbox, batch, plan.resyncAfterMs, log);
    const backfill = batch.phase === 'backfill' ? { backfill: true as const } : {};
    const fresh = batch.refs.filter((ref) => landedAs(deps.landed, mailbox.id, ref.id) === null);
    const jobs = fresh.map((ref) => ({
      id: ingestJobId(mailbox.id, ref.id),
      name: 'ingest',
      mailboxId: mailbox.id,
      data: { mailboxId: mailbox.id, providerMessageId: ref.id, threadId: ref.threadId, ...backfill } satisfies IngestJobData,
      // A finished job's id must not block a resync (ingest checks again what landed meanwhile).
      replaceFinished: true,
    }));
    await withTimeout(deps.queue.addBulk(INGEST_QUEUE, jobs), deps.enqueueTimeoutMs);
    // The cursor moves only now that the jobs are durable: a crash before this line re-lists.
    const inBackfill = batch.phase === 'backfill';
    const skipped = batch.refs.length - jobs.length;
    deps.mailboxes.saveCursor(mailbox.id, batch.cursor, inBackfill ? batch.refs.length : 0, inBackfill ? skipped : 0);
    deps.metrics.syncEnqueued.inc(jobs.length);
    if (skipped > 0) deps.metrics.syncAlreadyLanded.inc(skipped);
    enqueued += jobs.length;
    cursor = batch.cursor;
    if (!batch.more) {
      if (mailbox.state !== 'syncing') deps.mailboxes.setState(mailbox.id, 'syncing');
      break;
    }
  }
  return enqueued;
}

function startedBackfill(deps: SyncDeps, mailbox: Mailbox, batch: ChangeBatch, resyncAfterMs: number | null, log: Logger): void {
  const started = batch.startedBackfill;
  if (!started) return;
  const resync = started.reason === 'history_expired';
  deps.mailboxes.startBackfill(mailbox.id, batch.cursor.backfillHistoryId ?? '', started.total, resync);
  // A 'none' backfill is done at once: the cursor already points at the present.
  if (batch.more || batch.refs.length > 0) deps.mailboxes.setState(mailbox.id, 'backfilling');
  deps.metrics.fullResyncs.inc({ reason: started.reason });
  if (resync) {
    const since = resyncAfterMs === null ? 'the beginning' : new Date(resyncAfterMs).toISOString();
    log.warn({ reason: started.reason, total: started.total, since }, 'Gmail history expired; relisting from the last good sync');
  } else {
    log.info({ reason: started.reason, total: started.total }, 'full sync started');
  }
}

function handleFailure(deps: SyncDeps, mailbox: Mailbox, err: unknown, log: Logger): SyncResult {
  const error = isIntakeError(err) ? err : new IntakeError('INTAKE_ERR_INTERNAL', 'sync failed unexpectedly', false, { cause: err });
  deps.mailboxes.recordFailure(mailbox.id, error.code);
  deps.metrics.syncRuns.inc({ result: error.code });
  // Only the token endpoint's invalid_grant (or a missing scope) pauses a mailbox; a 401
  // from Gmail is INTAKE_ERR_GOOGLE_AUTH_RETRY and just fails this pass.
  if (error.code === 'INTAKE_ERR_AUTH_REVOKED' || error.code === 'INTAKE_ERR_AUTH_SCOPE') {
    const reason = reconsentReason(error, Date.now() - mailbox.updatedAt);
    deps.mailboxes.markNeedsReconsent(mailbox.id, mailbox.refreshTokenCipher, reason);
    deps.metrics.needsReconsent.inc({ reason });
    log.warn({ code: error.code, reason }, 'mailbox needs re-consent; other mailboxes keep syncing');
    return 'needs_reconsent';
  }
  log.warn({ err: error, code: error.code, retryable: error.retryable }, 'sync pass failed; will retry next interval');
  return 'failed';
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IntakeError('INTAKE_ERR_QUEUE', `enqueue did not complete within ${ms} ms`, true)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
