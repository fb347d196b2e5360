// The job of `intake worker --remote`: fetch one message from Gmail with a token the store
// host minted, parse and classify it against the model replica, and hand the result to the
// store host on the commit queue. It never opens the store: dedupe, the guard, threading and
// the write happen where the SQLite file is (commit-consumer.ts).
import type { Analyse } from '../ingest/analyse.js';
import type { IngestJobData } from '../ingest/ingest-job.js';
import { skipReason } from '../ingest/skip-rules.js';
import { isIntakeError } from '../errors/intake-error.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { FetchedMessage } from '../sources/mail-source.js';
import { COMMIT_QUEUE, commitJobId, encodeShipped, type CommitJobData, type Shipped } from './commit-job.js';
import type { RemoteSources } from './remote-sources.js';

/**
 * Above this size the worker ships the raw bytes alone and the store host parses them: the
 * parse would double what the message costs in Redis (attachments are in both).
 */
export const MAX_SHIPPED_ANALYSIS_BYTES = 4 * 1024 * 1024;

export interface RemoteIngestDeps {
  sources: Pick<RemoteSources, 'sourceFor'>;
  analyse: Analyse;
  queue: Pick<JobQueue, 'addBulk'>;
  commitMacKey: Buffer;
}

export type RemoteOutcome = 'shipped' | 'shipped_raw' | 'forwarded' | 'gone' | 'mailbox_gone';

export async function remoteIngest(deps: RemoteIngestDeps, job: IngestJobData): Promise<RemoteOutcome> {
  const commit = (shipped: Shipped | null) =>
    deps.queue.addBulk<CommitJobData>(COMMIT_QUEUE, [
      {
        id: commitJobId(job),
        name: 'commit',
        mailboxId: job.mailboxId,
        data: { job, payload: shipped ? encodeShipped(shipped, deps.commitMacKey) : null },
        // A worker job run again (its worker died after the commit was added) replaces a
        // finished commit, which then finds the message stored: never blocked, never doubled.
        replaceFinished: true,
        forgetWhenDone: true,
      },
    ]);
  // A replay runs from the bytes the store host kept.
  if (job.replay) return commit(null).then(() => 'forwarded');
  const source = await deps.sources.sourceFor(job.mailboxId);
  if (source === 'gone') return 'mailbox_gone';
  if (source === 'local') return commit(null).then(() => 'forwarded');
  let fetched: FetchedMessage;
  try {
    fetched = await source.fetchRaw(job.providerMessageId);
  } catch (err) {
    if (isIntakeError(err) && err.code === 'INTAKE_ERR_MESSAGE_GONE') return commit({ fetched: 'gone', analysis: null }).then(() => 'gone');
    // A grant Google ended is the store host's to record (it pauses the mailbox and parks its jobs).
    if (isIntakeError(err) && (err.code === 'INTAKE_ERR_AUTH_REVOKED' || err.code === 'INTAKE_ERR_AUTH_SCOPE')) {
      return commit(null).then(() => 'forwarded');
    }
    throw err;
  }
  const analysable = fetched.raw.length <= MAX_SHIPPED_ANALYSIS_BYTES && !skipReason(fetched.labelIds);
  // A parse that fails here is tried again, and landed, on the store host.
  const analysis = analysable ? await deps.analyse(fetched.raw, fetched.labelIds).catch(() => null) : null;
  await commit({ fetched, analysis });
  return analysis ? 'shipped' : 'shipped_raw';
}
