// Which queued jobs belong to a data subject (pure, so the rules are tested without a queue):
// the jobs of their erased messages by id, and any job whose data or last error names the
// address, including a commit job whose shipped message does (its payload is base64, so the
// address never appears in the job's JSON).
import type { QueuedJob } from '../../queue/job-queue.js';
import { COMMIT_QUEUE } from '../../ingest/ingest-job.js';
import { shippedBytesUnverified } from '../../remote/commit-job.js';

export interface SubjectJobs {
  /** The address, trimmed and lower-cased. */
  email: string;
  /** Ingest job ids of the erased messages and quarantined mail, and the commit job ids that follow them. */
  jobIds: ReadonlySet<string>;
}

/** The commit payload (remote/commit-job.ts) a job carries, or null (an ingest job, or a commit with no mail). */
function commitPayloadOf(job: QueuedJob): string | null {
  if (job.queue !== COMMIT_QUEUE || typeof job.data !== 'object' || job.data === null) return null;
  const payload = (job.data as { payload?: unknown }).payload;
  return typeof payload === 'string' && payload !== '' ? payload : null;
}

/** The address in serialised bytes: a Buffer's bytes or a one-byte string as Latin-1, a two-byte string as UTF-16LE at either alignment. */
export function bytesNameAddress(bytes: Buffer, email: string): boolean {
  if (bytes.toString('latin1').toLowerCase().includes(email)) return true;
  return [bytes, bytes.subarray(1)].some((b) => b.toString('utf16le').toLowerCase().includes(email));
}

function namesAddress(job: QueuedJob, email: string): boolean {
  if (job.errorMessage?.toLowerCase().includes(email)) return true;
  if ((JSON.stringify(job.data) ?? '').toLowerCase().includes(email)) return true;
  const payload = commitPayloadOf(job);
  return payload !== null && bytesNameAddress(shippedBytesUnverified(payload), email);
}

/**
 * True for a job to remove. A completed job found only by its id is kept when it holds no mail
 * (an ingest job, a commit without payload: ids alone, nothing of the person).
 */
export function belongsToSubject(job: QueuedJob, subject: SubjectJobs): boolean {
  if (subject.jobIds.has(job.id) && (job.state !== 'completed' || commitPayloadOf(job) !== null)) return true;
  return namesAddress(job, subject.email);
}
