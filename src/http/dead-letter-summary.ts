// How many dead letters (failed jobs + poison entries) there are, in all and per mailbox, for
// /readyz, /metrics and the mailbox list. Empty when the server was built without them.
import type { HttpDeps } from './http-deps.js';
import { deadLettersByMailbox } from '../jobs/dead-letters.js';
import { INGEST_QUEUE } from '../ingest/ingest-job.js';

export interface DeadLetterCounts {
  totals: { jobs: number; poison: number };
  byMailbox: Map<number, number>;
}

/** Like deadLetterSummary, but a queue that cannot answer (Redis down) gives no counts instead of an error. */
export async function deadLetterSummaryOrEmpty(deps: Pick<HttpDeps, 'deadLetters' | 'queue'>): Promise<DeadLetterCounts | null> {
  try {
    return await deadLetterSummary(deps);
  } catch {
    return null;
  }
}

export async function deadLetterSummary(deps: Pick<HttpDeps, 'deadLetters' | 'queue'>): Promise<DeadLetterCounts> {
  const jobs = (await deps.queue.counts(INGEST_QUEUE)).failed;
  if (!deps.deadLetters) return { totals: { jobs, poison: 0 }, byMailbox: new Map() };
  const byMailbox = await deadLettersByMailbox(deps.deadLetters);
  const poison = [...deps.deadLetters.poison.countByMailbox().values()].reduce((a, b) => a + b, 0);
  return { totals: { jobs, poison }, byMailbox };
}
