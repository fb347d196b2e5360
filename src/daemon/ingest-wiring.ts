// The ingest side of a process: one pipeline per process (ingest a message, then log, count,
// kick webhooks, label in Gmail) and the workers that feed it from the ingest queue. The
// commit consumer of remote workers (remote-wiring.ts) feeds the same pipeline.
import type { Core } from './core.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Deliverer } from '../delivery/deliverer.js';
import type { Shipped } from '../ingest/shipped.js';
import { buildAnalyse } from './analyse-wiring.js';
import { INGEST_QUEUE, type IngestJobData } from '../ingest/ingest-job.js';
import { ImportLabeler } from './import-labeler.js';
import { ingestMessage, type IngestDeps, type IngestResult } from '../ingest/ingest-message.js';
import { registerQueueMetrics } from '../metrics/queue-metrics.js';
import { logIngested } from '../ingest/ingest-log.js';

export interface IngestHooks {
  /** Called after each ingested message (the demo prints new tickets from it). */
  onIngested?: (result: IngestResult, job: IngestJobData) => void;
}

/** Ingests one message and does what follows (log, counts, metrics, webhooks, Gmail label); built once per process. */
export type IngestPipeline = (data: IngestJobData, shipped?: Shipped) => Promise<void>;

export function buildIngestPipeline(core: Core, metrics: Metrics, hooks: IngestHooks, deliverer?: Deliverer): IngestPipeline {
  const deps: IngestDeps = {
    mailboxes: core.mailboxes,
    tickets: core.tickets,
    quarantine: core.quarantine,
    sourceFor: (m) => core.sources.sourceFor(m),
    poison: core.poison,
    analyse: buildAnalyse(core),
    limits: core.config.ingest,
    log: core.log.child({ module: 'ingest' }),
    mail: core.mail,
  };
  const labeler = importLabeler(core);
  return async (data, shipped) => {
    const end = metrics.ingestSeconds.startTimer();
    const result = await ingestMessage(deps, data, shipped);
    logIngested(deps.log, data, result, end());
    if (data.backfill) core.mailboxes.countImported(data.mailboxId);
    metrics.messagesIngested.inc({ outcome: result.outcome });
    deliverer?.kick();
    if (labeler && LABELLED.has(result.outcome)) {
      const mailbox = core.mailboxes.get(data.mailboxId);
      if (mailbox) labeler.add(mailbox, data.providerMessageId);
    }
    hooks.onIngested?.(result, data);
  };
}

export function startIngestWorkers(core: Core, metrics: Metrics, pipeline: IngestPipeline): void {
  const recovered = core.queue.recoverInterrupted?.() ?? 0;
  if (recovered > 0) core.log.warn({ recovered }, 'jobs interrupted by the previous run will run again');
  const queueMetrics = registerQueueMetrics(metrics.registry, core.queue, core.config.queue.driver, [INGEST_QUEUE]);
  const worker = core.queue.process<IngestJobData>(
    INGEST_QUEUE,
    queueMetrics.instrument(INGEST_QUEUE, (job) => pipeline(job.data)),
    { concurrency: core.config.queue.concurrency },
  );
  core.steps.add('ingest workers', () => worker.close());
}

/** Mail that became part of a ticket gets the Gmail label; suppressed, spam and skipped mail does not. */
const LABELLED = new Set<IngestResult['outcome']>(['ticket_created', 'message_added', 'bounce_attached']);

function importLabeler(core: Core): ImportLabeler | null {
  if (!core.config.google.labelImported) return null;
  const labeler = new ImportLabeler({
    sourceFor: (m) => core.sources.sourceFor(m),
    labelName: core.config.google.importedLabelName,
    flushMs: 500,
    log: core.log.child({ module: 'labels' }),
  });
  core.steps.add('gmail labels', () => labeler.flush());
  return labeler;
}
