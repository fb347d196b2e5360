// Dead letters (jobs that failed for good) and poison entries (messages that could not be
// stored at all), listed together and replayed through the same idempotent ingest path the
// scheduler uses. Shared by the REST API, the CLI and the admin page.
import type { FailedJob, JobQueue } from '../queue/job-queue.js';
import type { PoisonRepo, PoisonSummary } from '../store/poison-repo.js';
import { COMMIT_QUEUE, INGEST_QUEUE, ingestJobId, type IngestJobData } from '../ingest/ingest-job.js';

export interface DeadLetterDeps {
  queue: JobQueue;
  poison: PoisonRepo;
  /** The queues whose failed jobs are listed; ingest and remote workers' commits by default. */
  queues?: readonly string[];
}

export interface DeadLetters {
  jobs: FailedJob[];
  poison: PoisonSummary[];
}

export interface ListOptions {
  limit: number;
  /** job id to list after (paging through dead letters) */
  after?: string;
  /** poison entry id to list after */
  afterPoison?: number;
}

export type RetryOutcome = 'retried' | 'not_found';

const POISON_ID = /^poison:([1-9]\d{0,15})$/;

export function poisonRef(id: number): string {
  return `poison:${id}`;
}

const DEAD_LETTER_QUEUES = [INGEST_QUEUE, COMMIT_QUEUE] as const;

/** A failed commit keeps the message a remote worker fetched for its replay; a listing shows only its ingest job. */
function listed(job: FailedJob): FailedJob {
  if (job.queue !== COMMIT_QUEUE) return job;
  const data = job.data as { job?: unknown; payload?: string | null } | null;
  const payload = typeof data?.payload === 'string' ? `(${data.payload.length} characters of fetched mail, kept for the replay)` : null;
  return { ...job, data: { job: data?.job ?? null, payload } };
}

export async function listDeadLetters(deps: DeadLetterDeps, options: ListOptions): Promise<DeadLetters> {
  const jobs: FailedJob[] = [];
  for (const queue of deps.queues ?? DEAD_LETTER_QUEUES) {
    jobs.push(...(await deps.queue.listFailed(queue, { limit: options.limit, after: options.after })).map(listed));
  }
  jobs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { jobs: jobs.slice(0, options.limit), poison: deps.poison.list({ limit: options.limit, after: options.afterPoison }) };
}

/** `id` is a failed job's id, or `poison:N` for a poison entry (run again from its kept bytes). */
export async function retryDeadLetter(deps: DeadLetterDeps, id: string): Promise<RetryOutcome> {
  const poisonId = POISON_ID.exec(id)?.[1];
  if (poisonId === undefined) return (await deps.queue.retryFailed(id)) ? 'retried' : 'not_found';
  const entry = deps.poison.get(Number(poisonId));
  if (!entry) return 'not_found';
  const data: IngestJobData = {
    mailboxId: entry.mailboxId,
    providerMessageId: entry.providerMessageId,
    threadId: entry.providerThreadId,
    replay: true,
  };
  const jobId = ingestJobId(entry.mailboxId, entry.providerMessageId);
  await deps.queue.addBulk(INGEST_QUEUE, [{ id: jobId, name: 'ingest', mailboxId: entry.mailboxId, data, replaceFinished: true }]);
  return 'retried';
}

/** Replays every dead letter and poison entry, page by page; returns how many of each. */
export async function retryAllDeadLetters(deps: DeadLetterDeps): Promise<{ jobs: number; poison: number }> {
  let jobs = 0;
  let poison = 0;
  // Each retried job leaves the failed list, so always read the first page until it is empty.
  for (;;) {
    const page = await listDeadLetters(deps, { limit: 500 });
    let retried = 0;
    for (const j of page.jobs) if (await deps.queue.retryFailed(j.id)) retried++;
    jobs += retried;
    if (retried === 0) break;
  }
  // Poison entries stay until their replay lands, so page through them by id.
  for (let entries = deps.poison.list({ limit: 500 }); entries.length > 0;) {
    for (const e of entries) if ((await retryDeadLetter(deps, poisonRef(e.id))) === 'retried') poison++;
    entries = deps.poison.list({ limit: 500, after: entries[entries.length - 1]!.id });
  }
  return { jobs, poison };
}

/** Per mailbox: failed jobs + poison entries (at most the first 1,000 failed jobs are counted). */
export async function deadLettersByMailbox(deps: DeadLetterDeps): Promise<Map<number, number>> {
  const counts = deps.poison.countByMailbox();
  for (const queue of deps.queues ?? DEAD_LETTER_QUEUES) {
    for (const j of await deps.queue.listFailed(queue, { limit: 1000 })) {
      if (j.mailboxId !== null) counts.set(j.mailboxId, (counts.get(j.mailboxId) ?? 0) + 1);
    }
  }
  return counts;
}
