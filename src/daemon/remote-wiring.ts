// The store host's side of remote workers (`intake worker --remote`, docs/scaling.md): the
// token broker, the spam model publisher, and the commit consumer that lands what the
// workers fetched through the same pipeline as a local ingest. Runs in every store-host
// process with the bullmq driver and INTAKE_WORKER_KEY set; each part is idempotent, so a
// standby scheduler running them too is harmless.
import type { Core } from './core.js';
import type { Metrics } from '../metrics/metrics.js';
import type { BullmqQueue } from '../queue/bullmq-queue.js';
import type { IngestPipeline } from './ingest-wiring.js';
import { registerQueueMetrics } from '../metrics/queue-metrics.js';
import { remoteKeys } from '../remote/remote-keys.js';
import { workerKeys } from '../remote/worker-key.js';
import { TokenBroker } from '../remote/token-broker.js';
import { ModelPublisher } from '../remote/model-publisher.js';
import { COMMIT_QUEUE, decodeShipped, type CommitJobData } from '../remote/commit-job.js';
import type { Shipped } from '../ingest/shipped.js';

/** How often the store host compares the model's generation with the one published. */
export const MODEL_PUBLISH_MS = 2_000;

export function startRemoteSupport(core: Core, queue: BullmqQueue, metrics: Metrics, pipeline: IngestPipeline): void {
  const keys = remoteKeys(core.config.queue.redisPrefix);
  const { tokenBox, commitMacKey } = workerKeys(core.config.secrets.workerKey);
  const log = core.log.child({ module: 'remote' });
  const broker = new TokenBroker({
    blocking: queue.redis.duplicate(),
    redis: queue.redis,
    keys,
    workerBox: tokenBox,
    mailboxes: core.mailboxes,
    accessTokenFor: (mailbox, force) => core.sources.accessTokenFor(mailbox, force),
    log,
  });
  const publisher = new ModelPublisher({ db: core.db, redis: queue.redis, keys, intervalMs: MODEL_PUBLISH_MS, log });
  const queueMetrics = registerQueueMetrics(metrics.registry, queue, core.config.queue.driver, [COMMIT_QUEUE]);
  const consumer = queue.process<CommitJobData>(
    COMMIT_QUEUE,
    queueMetrics.instrument(COMMIT_QUEUE, (job) => pipeline(job.data.job, shippedOf(job.data, commitMacKey, log))),
    { concurrency: core.config.queue.concurrency },
  );
  broker.start();
  publisher.start();
  core.steps.add('remote commits', () => consumer.close());
  core.steps.add('remote token broker', () => broker.stop());
  core.steps.add('remote model publisher', () => publisher.stop());
}

/** What the worker shipped; undefined (fetch it here) when there is none or it fails its MAC. */
function shippedOf(data: CommitJobData, key: Buffer, log: Core['log']): Shipped | undefined {
  if (!data.payload) return undefined;
  let shipped: Shipped | null;
  try {
    shipped = decodeShipped(data.payload, key);
  } catch {
    shipped = null;
  }
  if (!shipped) {
    log.warn(
      { code: 'INTAKE_ERR_BAD_REQUEST', mailboxId: data.job.mailboxId },
      'a commit payload failed its check (another INTAKE_WORKER_KEY?); fetching the message here instead',
    );
    return undefined;
  }
  return shipped;
}
