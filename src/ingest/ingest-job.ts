// The ingest job's payload and its deterministic id: the same Gmail message always maps
// to the same job, so enqueueing twice (a crash between enqueue and cursor save) is harmless.
export const INGEST_QUEUE = 'ingest';
/** A remote worker's results, written by the store host (remote/commit-job.ts, docs/scaling.md). */
export const COMMIT_QUEUE = 'commit';

export interface IngestJobData {
  mailboxId: number;
  providerMessageId: string;
  threadId: string | null;
  /** Set by `intake jobs retry` on a poison entry: run again from the raw bytes it keeps. */
  replay?: boolean;
  /** Set on jobs a full sync enqueued, so backfill progress counts them once through. */
  backfill?: true;
}

export function ingestJobId(mailboxId: number, providerMessageId: string): string {
  return `ingest:${mailboxId}:${providerMessageId}`;
}
