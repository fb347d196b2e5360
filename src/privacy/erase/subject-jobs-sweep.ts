// The data subject's queued jobs, swept through the JobQueue (the SQLite `jobs` table or Redis),
// and what to tell the admin when Redis cannot be searched. Apart from erase-subject.ts because
// the queue is async and the rest of an erasure is one synchronous SQLite transaction.
import { IntakeError, isIntakeError } from '../../errors/intake-error.js';
import { INGEST_QUEUE, COMMIT_QUEUE } from '../../ingest/ingest-job.js';
import type { JobQueue, SweepResult } from '../../queue/job-queue.js';
import { belongsToSubject, type SubjectJobs } from './subject-jobs.js';

/** Searched even by a process that never added to or served them (the CLI); the driver adds the queues it knows. */
export const SUBJECT_QUEUES: readonly string[] = [INGEST_QUEUE, COMMIT_QUEUE];

export type JobSweeper = Pick<JobQueue, 'sweepJobs'>;

/** Our own queue errors say what Redis did ("did not answer ... within 5000 ms"); anything else is named, not quoted. */
const reasonOf = (err: unknown): string => (isIntakeError(err) ? err.message : `${(err as Error).name ?? 'error'} from the queue`);

/**
 * Before the transaction. A failure stops the erasure with nothing erased: erasing the
 * database alone would report "complete" while Redis still held the person's mail, and a
 * waiting ingest job of an erased message would fetch it from Gmail again afterwards.
 */
export async function sweepBefore(queue: JobSweeper, subject: SubjectJobs, dryRun: boolean): Promise<SweepResult> {
  try {
    return await queue.sweepJobs({ queues: SUBJECT_QUEUES, matches: (job) => belongsToSubject(job, subject), dryRun });
  } catch (err) {
    throw new IntakeError(
      'INTAKE_ERR_QUEUE',
      `the queued jobs could not be searched for this person (${reasonOf(err)}); nothing was erased. ` +
        'Retry the erasure once the queue (Redis, for the bullmq driver) answers',
      true,
      { cause: err },
    );
  }
}

/** After the transaction, for a job added meanwhile. The database part is done by then, so the error says so. */
export async function sweepAfter(queue: JobSweeper, subject: SubjectJobs, auditId: number | null): Promise<SweepResult> {
  try {
    return await queue.sweepJobs({ queues: SUBJECT_QUEUES, matches: (job) => belongsToSubject(job, subject), dryRun: false });
  } catch (err) {
    throw new IntakeError(
      'INTAKE_ERR_QUEUE',
      `the database part of the erasure is done (audit entry ${auditId ?? 'none'}), but the queued jobs could not be ` +
        `searched again for jobs added meanwhile (${reasonOf(err)}). Run the same erasure again once the queue (Redis, for the bullmq driver) answers`,
      true,
      { cause: err },
    );
  }
}
