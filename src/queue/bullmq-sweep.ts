// The BullMQ driver's sweep (JobQueue.sweepJobs) over one queue: which jobs match, read from
// Redis in chunks. Kept apart from bullmq-queue.ts, which owns adding and running jobs; an
// erasure is rare, so a scan is the right cost (no per-message index costs Redis memory).
import type { Job as BullJob, JobType, Queue } from 'bullmq';
import type { JobSweep, QueuedJob, QueuedJobState } from './job-queue.js';

/** Jobs read from Redis at once. */
const CHUNK = 200;

/** The envelope bullmq-queue.ts wraps job data in; a job some other producer added may lack it. */
interface Envelope {
  id?: string;
  data?: unknown;
}

/** Bounds one Redis call (ioredis waits for a lost Redis forever); rejects with INTAKE_ERR_QUEUE. */
export type Bound = <T>(call: Promise<T>, what: string) => Promise<T>;

const GROUPS: readonly [QueuedJobState, JobType[]][] = [
  ['active', ['active']],
  ['waiting', ['waiting', 'delayed', 'prioritized', 'waiting-children']],
  ['failed', ['failed']],
  ['completed', ['completed']],
];

/** Each job id in the first state it was listed in (a job may move while this reads). */
async function statesOf(q: Queue, bound: Bound): Promise<Map<string, QueuedJobState>> {
  const stateOf = new Map<string, QueuedJobState>();
  for (const [state, types] of GROUPS) {
    for (const id of await bound(q.getRanges(types, 0, -1), 'listing queued jobs')) {
      if (!stateOf.has(id)) stateOf.set(id, state);
    }
  }
  return stateOf;
}

/** BullMQ ids of the matching jobs no worker held when read, and how many matching ones were running. */
export async function matchingJobs(q: Queue, sweep: JobSweep, bound: Bound): Promise<{ idle: string[]; running: number }> {
  const stateOf = await statesOf(q, bound);
  const ids = [...stateOf.keys()];
  const idle: string[] = [];
  let running = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const jobs = (await bound(Promise.all(chunk.map((id) => q.getJob(id))), 'reading queued jobs')) as (BullJob<Envelope> | undefined)[];
    for (const job of jobs) {
      if (!job?.id) continue; // removed since its id was listed
      const state = stateOf.get(job.id) ?? 'waiting';
      const seen: QueuedJob = {
        id: job.data.id ?? job.id,
        queue: q.name,
        name: job.name,
        data: job.data.data ?? job.data,
        state,
        errorMessage: job.failedReason || null,
      };
      if (!sweep.matches(seen)) continue;
      if (state === 'active') running++;
      else idle.push(job.id);
    }
  }
  return { idle, running };
}
