// Dead letters of the embedded driver: listing failed jobs and running one again, and the
// error fields every failure records. Kept apart from embedded-queue.ts, which owns claiming.
import type { Db } from '../store/database.js';
import { isIntakeError } from '../errors/intake-error.js';
import type { FailedJob } from './job-queue.js';

interface FailedRow {
  id: string;
  queue: string;
  name: string;
  payload: string;
  mailbox_id: number | null;
  attempts: number;
  last_error: string | null;
  last_error_message: string | null;
  finished_at: number | null;
}

function failedJob(r: FailedRow): FailedJob {
  return {
    id: r.id,
    queue: r.queue,
    name: r.name,
    data: JSON.parse(r.payload) as unknown,
    mailboxId: r.mailbox_id,
    attempts: r.attempts,
    errorCode: r.last_error,
    errorMessage: r.last_error_message,
    failedAt: r.finished_at === null ? null : new Date(r.finished_at).toISOString(),
  };
}

/** The code and a bounded, single-line message of a job's error: what operators need, no mail content. */
export function jobErrorFields(err: unknown): { code: string; message: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  const raw = (e as { code?: unknown }).code;
  const code = isIntakeError(e) ? e.code : typeof raw === 'string' ? raw : e.name;
  // eslint-disable-next-line no-control-regex -- control characters never reach a log line
  return { code, message: e.message.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 300) };
}

export function listFailedJobs(db: Db, queue: string, options: { limit: number; after?: string }): FailedJob[] {
  const rows = db
    .prepare<[string, string, number], FailedRow>(
      `SELECT id, queue, name, payload, mailbox_id, attempts, last_error, last_error_message, finished_at FROM jobs
       WHERE queue = ? AND state = 'failed' AND id > ? ORDER BY id LIMIT ?`,
    )
    .all(queue, options.after ?? '', options.limit);
  return rows.map(failedJob);
}

/** Back to waiting, attempts from zero; returns the job's queue, or null when no failed job has this id. */
export function retryFailedJob(db: Db, id: string): string | null {
  const row = db
    .prepare<[number, string], { queue: string }>(
      `UPDATE jobs SET state = 'waiting', attempts = 0, run_at = ?, lease_until = NULL, last_error = NULL, last_error_message = NULL,
         finished_at = NULL WHERE id = ? AND state = 'failed' RETURNING queue`,
    )
    .get(Date.now(), id);
  return row?.queue ?? null;
}
