// The one info line per ingested message: outcome, ticket, duration and the trace id that
// follows the message into its events and deliveries. Never the address or the subject.
import type { Logger } from '../log/logger.js';
import type { IngestJobData } from './ingest-job.js';
import type { IngestResult } from './ingest-message.js';
import { traceIdFor } from './trace-id.js';

export function logIngested(log: Logger, job: IngestJobData, result: IngestResult, seconds: number): void {
  log.info(
    {
      traceId: traceIdFor(job.mailboxId, job.providerMessageId),
      mailboxId: job.mailboxId,
      outcome: result.outcome,
      ticketId: result.ticketId,
      messageId: result.messageId,
      durationMs: Math.round(seconds * 1000),
    },
    'message ingested',
  );
}
