// The privacy operations behind the API, the CLI and the admin page: erase, export,
// retention and the audit trail, on one set of dependencies. Each records who asked.
import type { Db } from '../store/database.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { SubjectRefFn } from '../crypto/subject-ref.js';
import type { Logger } from '../log/logger.js';
import type { JobSweeper } from './erase/subject-jobs-sweep.js';
import { describeProblem } from '../store/audit-chain.js';
import { eraseSubject, type EraseReceipt, type EraseRequest } from './erase-subject.js';
import { exportSubject, type SubjectExport } from './export/export-subject.js';
import { runRetention, type RetentionReport } from './retention/run-retention.js';
import type { RetentionPolicy } from './retention.js';

export interface PrivacyDeps {
  db: Db;
  audit: AuditRepo;
  subjectRef: SubjectRefFn;
  log: Logger;
  policy: RetentionPolicy;
  /** Unlearns one trained message; true when it had been learned. */
  unlearn: (docKey: string) => boolean;
  forgetMailboxLearning: (mailboxId: number) => number;
  /** The job queue (either driver): an erasure removes the person's queued jobs from it. */
  queue: JobSweeper;
}

export interface AuditVerdict {
  ok: boolean;
  rows: number;
  problems: string[];
}

export class PrivacyService {
  private readonly deps: PrivacyDeps;

  constructor(deps: PrivacyDeps) {
    this.deps = deps;
  }

  /** Async: the queue may be Redis. Rejects with INTAKE_ERR_QUEUE when it could not be searched (the message says what was done). */
  erase(req: EraseRequest): Promise<EraseReceipt> {
    return eraseSubject(this.deps, req);
  }

  export(email: string, actor: string): SubjectExport {
    const result = exportSubject(this.deps, email);
    const doc = result.document as { subject: { subjectRef: string }; tickets: unknown[]; quarantine: unknown[] };
    this.deps.audit.record({
      actor,
      action: 'privacy.exported',
      subjectRef: doc.subject.subjectRef,
      detail: { tickets: doc.tickets.length, quarantined: doc.quarantine.length, bytes: result.archive.length },
    });
    return result;
  }

  retention(options: { dryRun: boolean; actor: string; now?: number }): RetentionReport {
    return runRetention({ ...this.deps }, this.deps.policy, options);
  }

  get audit(): AuditRepo {
    return this.deps.audit;
  }

  verifyAudit(): AuditVerdict {
    const { rows, problems } = this.deps.audit.verify();
    return { ok: problems.length === 0, rows, problems: problems.map(describeProblem) };
  }
}
