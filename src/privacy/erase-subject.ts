// Erasing one data subject: every step of erase/erase-steps.ts in ONE transaction, with the
// receipt (counts, keyed hash of the address, who asked) in the audit log and a
// privacy.erased outbox event, then a TRUNCATE checkpoint so no copy is left in the WAL.
import type { Db } from '../store/database.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { SubjectRefFn } from '../crypto/subject-ref.js';
import type { Logger } from '../log/logger.js';
import { IntakeError } from '../errors/intake-error.js';
import type { EraseContext, EraseScope, EraseStep } from './erase/erase-step.js';
import { ERASE_STEPS } from './erase/erase-steps.js';
import { dropTargets, erasedTicketIds, selectTargets } from './erase/erase-targets.js';
import { checkpointTruncate } from './checkpoint.js';
import { eventsOf } from '../store/event-repo.js';

export interface EraseDeps {
  db: Db;
  audit: AuditRepo;
  subjectRef: SubjectRefFn;
  unlearn: (docKey: string) => boolean;
  log: Logger;
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

export function eraseSubject(deps: EraseDeps, req: EraseRequest): EraseReceipt {
  const email = normalizeSubjectEmail(req.email);
  const ctx: EraseContext = { db: deps.db, email, scope: req.scope, unlearn: deps.unlearn };
  const steps = deps.steps ?? ERASE_STEPS;
  const subjectRef = deps.subjectRef(email);
  const at = new Date();
  const result = deps.db
    .transaction(() => {
      selectTargets(deps.db, email, req.scope);
      try {
        const counts: Record<string, number> = {};
        for (const step of steps) counts[step.name] = req.dryRun ? step.count(ctx) : step.apply(ctx);
        if (req.dryRun) return { counts, auditId: null };
        const detail = { scope: req.scope, counts };
        const auditId = deps.audit.record({ actor: req.actor, action: 'privacy.erased', subjectRef, detail });
        // Through the outbox writer (event id, payload, feed cursor), so webhooks and the feed carry it too.
        const erasure = { subjectRef, scope: req.scope, auditId, ticketIds: erasedTicketIds(deps.db), counts };
        const event = eventsOf(deps.db).record('privacy.erased', {}, { erasure });
        deps.db.prepare('UPDATE outbox SET detail = ? WHERE event_id = ?').run(JSON.stringify(erasure), event.id);
        return { counts, auditId };
      } finally {
        dropTargets(deps.db);
      }
    })
    .immediate();
  const walTruncated = req.dryRun ? true : checkpointTruncate(deps.db);
  if (!req.dryRun) deps.log.info({ subjectRef, scope: req.scope, counts: result.counts, walTruncated }, 'data subject erased');
  return {
    subjectRef,
    scope: req.scope,
    dryRun: req.dryRun,
    counts: result.counts,
    at: at.toISOString(),
    actor: req.actor,
    auditId: result.auditId,
    walTruncated,
  };
}
