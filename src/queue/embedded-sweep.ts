// The embedded driver's sweep (JobQueue.sweepJobs): every job row of every queue is read once
// in one transaction and the matches no worker holds are deleted. Kept apart from
// embedded-queue.ts, which owns claiming; an erasure is rare, so a scan is the right cost.
import type { Db } from '../store/database.js';
import type { JobSweep, QueuedJob, QueuedJobState, SweepResult } from './job-queue.js';

interface SweepRow {
  id: string;
  queue: string;
  name: string;
  payload: string;
  state: QueuedJobState;
  last_error: string | null;
  last_error_message: string | null;
}

/** A row's payload as it was added; a payload that is not JSON (never written by this code) is searched as text. */
function dataOf(payload: string): unknown {
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return payload;
  }
}

function queuedJob(r: SweepRow): QueuedJob {
  return {
    id: r.id,
    queue: r.queue,
    name: r.name,
    data: dataOf(r.payload),
    state: r.state,
    errorMessage: r.last_error_message ?? r.last_error,
  };
}

/** The table holds every queue of the installation, so `sweep.queues` adds nothing here. */
export function sweepEmbeddedJobs(db: Db, sweep: JobSweep): SweepResult {
  return db.transaction((): SweepResult => {
    const matched: string[] = [];
    let running = 0;
    const rows = db.prepare<[], SweepRow>('SELECT id, queue, name, payload, state, last_error, last_error_message FROM jobs').iterate();
    for (const row of rows) {
      if (!sweep.matches(queuedJob(row))) continue;
      if (row.state === 'active') running++;
      else matched.push(row.id);
    }
    if (!sweep.dryRun) {
      // Not-active in the statement too: the rows were read in this transaction, but say it where it is decided.
      const remove = db.prepare<[string]>("DELETE FROM jobs WHERE id = ? AND state != 'active'");
      for (const id of matched) remove.run(id);
    }
    return { removed: matched.length, running };
  })();
}
