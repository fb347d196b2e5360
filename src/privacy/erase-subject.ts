// Erasing one data subject: their queued jobs swept (before, so no waiting job can land erased
// mail again, and after, for one added meanwhile), then every step of erase/erase-steps.ts in
// ONE transaction, with the receipt (counts, keyed hash of the address, who asked) in the audit
// log and a privacy.erased outbox event, then a TRUNCATE checkpoint so no copy is left in the WAL.
import type { Db } from '../store/database.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { SubjectRefFn } from '../crypto/subject-ref.js';
import type { Logger } from '../log/logger.js';
import { IntakeError } from '../errors/intake-error.js';
import type { EraseContext, EraseScope, EraseStep } from './erase/erase-step.js';
import { ERASE_STEPS } from './erase/erase-steps.js';
import { dropTargets, erasedTicketIds, jobIdsOfTargets, selectTargets, targetJobIds } from './erase/erase-targets.js';
import { sweepAfter, sweepBefore, type JobSweeper } from './erase/subject-jobs-sweep.js';
import type { SubjectJobs } from './erase/subject-jobs.js';
import { checkpointTruncate } from './checkpoint.js';
import { eventsOf } from '../store/event-repo.js';

export interface EraseDeps {
  db: Db;
  audit: AuditRepo;
  subjectRef: SubjectRefFn;
  unlearn: (docKey: string) => boolean;
  log: Logger;
  /** The job queue of either driver: its jobs of the person are removed too. */
  queue: JobSweeper;
  steps?: readonly EraseStep[];
}

export interface EraseRequest {
  email: string;
  scope: EraseScope;
  dryRun: boolean;
  /** `admin:<id>`, `api_token:<id>` or `cli`. */
  actor: string;
}

export interface EraseReceipt {
  subjectRef: string;
  scope: EraseScope;
  dryRun: boolean;
  /**
   * Per step, plus `queueJobs` (jobs removed from the queue, before and after the transaction)
   * and `queueJobsRunning` (jobs of the person a worker was running when last searched: left
   * alone; erase again once they finish). The audit entry holds the counts at its commit.
   */
  counts: Record<string, number>;
  at: string;
  actor: string;
  auditId: number | null;
  /** False when another connection kept the WAL from being truncated (the daemon retries at its next checkpoint). */
  walTruncated: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function normalizeSubjectEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e)) {
    throw new IntakeError('INTAKE_ERR_BAD_REQUEST', `"email" must be one mail address such as customer@example.com`);
  }
  return e;
}

export async function eraseSubject(deps: EraseDeps, req: EraseRequest): Promise<EraseReceipt> {
  const email = normalizeSubjectEmail(req.email);
  const subject: SubjectJobs = { email, jobIds: jobIdsOfTargets(deps.db, email, req.scope) };
  // First, so no waiting job lands erased mail again after the transaction. Should the
  // transaction then fail, only the person's jobs are gone; the erasure is simply run again.
  const before = await sweepBefore(deps.queue, subject, req.dryRun);
  const queued = { queueJobs: before.removed, queueJobsRunning: before.running };
  const subjectRef = deps.subjectRef(email);
  const at = new Date();
  const result = eraseInOneTransaction(deps, { ...req, email }, subjectRef, queued);
  let counts = result.counts;
  let walTruncated = true;
  if (!req.dryRun) {
    try {
      // Messages stored since the first sweep were erased too: their jobs are the person's as well.
      const after = await sweepAfter(deps.queue, { email, jobIds: new Set([...subject.jobIds, ...result.jobIds]) }, result.auditId);
      counts = { ...counts, queueJobs: before.removed + after.removed, queueJobsRunning: after.running };
    } finally {
      // After the second sweep: the embedded driver's deleted job rows leave the WAL too.
      walTruncated = checkpointTruncate(deps.db);
    }
    deps.log.info({ subjectRef, scope: req.scope, counts, walTruncated }, 'data subject erased');
  }
  return {
    subjectRef,
    scope: req.scope,
    dryRun: req.dryRun,
    counts,
    at: at.toISOString(),
    actor: req.actor,
    auditId: result.auditId,
    walTruncated,
  };
}

interface TransactionResult {
  counts: Record<string, number>;
  auditId: number | null;
  /** Job ids of what this transaction erased (a message stored since the first sweep among them). */
  jobIds: Set<string>;
}

function eraseInOneTransaction(deps: EraseDeps, req: EraseRequest, subjectRef: string, queued: Record<string, number>): TransactionResult {
  const ctx: EraseContext = { db: deps.db, email: req.email, scope: req.scope, unlearn: deps.unlearn };
  const steps = deps.steps ?? ERASE_STEPS;
  return deps.db
    .transaction((): TransactionResult => {
      selectTargets(deps.db, req.email, req.scope);
      try {
        const jobIds = targetJobIds(deps.db);
        const counts: Record<string, number> = { ...queued };
        for (const step of steps) counts[step.name] = req.dryRun ? step.count(ctx) : step.apply(ctx);
        if (req.dryRun) return { counts, auditId: null, jobIds };
        const detail = { scope: req.scope, counts };
        const auditId = deps.audit.record({ actor: req.actor, action: 'privacy.erased', subjectRef, detail });
        // Through the outbox writer (event id, payload, feed cursor), so webhooks and the feed carry it too.
        const erasure = { subjectRef, scope: req.scope, auditId, ticketIds: erasedTicketIds(deps.db), counts };
        const event = eventsOf(deps.db).record('privacy.erased', {}, { erasure });
        deps.db.prepare('UPDATE outbox SET detail = ? WHERE event_id = ?').run(JSON.stringify(erasure), event.id);
        return { counts, auditId, jobIds };
      } finally {
        dropTargets(deps.db);
      }
    })
    .immediate();
}
