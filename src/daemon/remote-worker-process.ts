// `intake worker --remote`: an ingest worker for another host. It never opens the store's
// SQLite file: Google access tokens come from the store host through Redis (TokenClient), the
// spam model from the snapshot the store host publishes (ModelReplica, a SQLite file in this
// worker's own data directory), and each result goes back on the commit queue, which the
// store host writes (docs/scaling.md). /healthz, /readyz and /metrics on queue.workerPort.
import { analyseThreads } from '../config/worker-threads.js';
import { join } from 'node:path';
import { Counter, Gauge } from 'prom-client';
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../log/logger.js';
import { IntakeError } from '../errors/intake-error.js';
import { createMetrics } from '../metrics/metrics.js';
import { registerQueueMetrics } from '../metrics/queue-metrics.js';
import { openDatabase } from '../store/database.js';
import { ensurePrivateDir } from '../store/private-files.js';
import { createBullmqQueue } from '../queue/create-queue.js';
import { INGEST_QUEUE, type IngestJobData } from '../ingest/ingest-job.js';
import { AnalysePool } from '../ingest/worker/analyse-pool.js';
import { remoteKeys } from '../remote/remote-keys.js';
import { workerKeys } from '../remote/worker-key.js';
import { TokenClient } from '../remote/token-client.js';
import { RemoteSources } from '../remote/remote-sources.js';
import { ModelReplica } from '../remote/model-replica.js';
import { remoteIngest, type RemoteOutcome } from '../remote/remote-ingest.js';
import { ShutdownSteps } from './shutdown.js';
import { startWorkerHttp, type WorkerProcess } from './worker-process.js';

/** The replica of the spam model, in the worker's own data directory. */
export const REPLICA_FILE = 'spam-model-replica.sqlite';
const MODEL_POLL_MS = 2_000;

export async function startRemoteWorkerProcess(config: Config, log: Logger, signal?: AbortSignal): Promise<WorkerProcess> {
  if (config.queue.driver !== 'bullmq') {
    throw new IntakeError(
      'INTAKE_ERR_CONFIG',
      'intake worker --remote needs queue.driver = "bullmq": it reaches the store host only through Redis',
      false,
    );
  }
  const { tokenBox, commitMacKey } = workerKeys(config.secrets.workerKey);
  const steps = new ShutdownSteps(log);
  try {
    ensurePrivateDir(config.dataDir, true);
    const replicaFile = join(config.dataDir, REPLICA_FILE);
    const replicaDb = openDatabase(replicaFile);
    steps.add('model replica file', () => {
      replicaDb.close();
    });
    const keys = remoteKeys(config.queue.redisPrefix);
    // The sources exist before the queue asks them for quota waits; the token client needs the queue's connection.
    const paced: { sources: RemoteSources | null } = { sources: null };
    const queue = createBullmqQueue(
      config,
      log.child({ module: 'queue' }),
      (mailboxId, active, name) => (name === INGEST_QUEUE && paced.sources ? paced.sources.fetchWaitMs(mailboxId, active) : 0),
      'remote-worker',
    );
    steps.add('queue', () => queue.close());
    const tokens = new TokenClient({
      blocking: queue.redis.duplicate(),
      redis: queue.redis,
      keys,
      workerBox: tokenBox,
      replyTimeoutMs: Math.max(10_000, 2 * config.queue.redisCommandTimeoutMs),
      log: log.child({ module: 'tokens' }),
    });
    tokens.start();
    steps.add('token client', () => tokens.stop());
    const sources = new RemoteSources(tokens, {
      gmailRootUrl: config.google.endpoints.gmailRootUrl,
      requestTimeoutMs: config.google.requestTimeoutMs,
      pageSize: config.sync.pageSize,
      scope: { labels: config.sync.labels, spam: config.sync.spamLabel },
      quota: {
        regime: config.google.quotaRegime,
        windowMs: config.google.quotaWindowMs,
        maxInFlightPerUser: config.google.maxInFlightPerUser,
      },
    });
    paced.sources = sources;
    // The analyse pool is made once the model is here; from then on it hears of each newer one.
    let modelUpdated = (): void => undefined;
    const replica = new ModelReplica({
      db: replicaDb,
      redis: queue.redis,
      keys,
      intervalMs: MODEL_POLL_MS,
      log: log.child({ module: 'model' }),
      onUpdated: () => modelUpdated(),
    });
    steps.add('model replica', () => replica.stop());
    const metrics = createMetrics();
    const http = await startWorkerHttp(config, metrics.registry, steps, async () => {
      await queue.ping();
      if (!replica.loaded) throw new IntakeError('INTAKE_ERR_QUEUE', 'waiting for the spam model from the store host', true);
    });
    await waitForModel(replica, log, signal);
    replica.start();
    const { ingest, spam, html } = config;
    const pool = new AnalysePool(
      {
        limits: { maxMessageBytes: ingest.maxMessageBytes, maxAttachmentBytes: ingest.maxAttachmentBytes },
        spam: { dbFile: replicaFile, options: { ...spam } },
        html: { ...html },
      },
      {
        threads: Math.max(1, analyseThreads(ingest.workerThreads)),
        maxHeapMb: ingest.workerMaxHeapMb,
        timeoutMs: ingest.parseTimeoutMs,
        idleMs: ingest.workerIdleSeconds * 1000,
      },
      log.child({ module: 'analyse' }),
    );
    modelUpdated = () => pool.modelChanged();
    steps.add('analyse workers', () => pool.close());
    const outcomes = new Counter({
      name: 'intake_remote_ingest_total',
      help: 'Messages a remote worker handled, by outcome (shipped: fetched and analysed here; shipped_raw: the store host parses; forwarded: the store host fetches)',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
    new Gauge({
      name: 'intake_remote_model_generation',
      help: "Generation of the spam model replica this worker classifies with (the store host's spam_totals.generation it copied)",
      registers: [metrics.registry],
      collect() {
        this.set(replica.generation);
      },
    });
    const deps = { sources, analyse: pool.analyse, queue, commitMacKey };
    const queueMetrics = registerQueueMetrics(metrics.registry, queue, 'bullmq', [INGEST_QUEUE]);
    const worker = queue.process<IngestJobData>(
      INGEST_QUEUE,
      queueMetrics.instrument(INGEST_QUEUE, async (job) => {
        const outcome: RemoteOutcome = await remoteIngest(deps, job.data);
        outcomes.inc({ outcome });
      }),
      { concurrency: config.queue.concurrency },
    );
    steps.add('ingest workers', () => worker.close());
    log.info({ url: http.url, role: 'worker', remote: true, modelGeneration: replica.generation }, 'intake remote worker started');
    return { url: http.url, close: () => steps.close() };
  } catch (err) {
    await steps.close();
    throw err;
  }
}

/** A worker without the model would judge every message unsure: it waits, and says so once. */
async function waitForModel(replica: ModelReplica, log: Logger, signal?: AbortSignal): Promise<void> {
  let said = false;
  for (;;) {
    signal?.throwIfAborted();
    const loaded = await replica.refresh().catch(() => false);
    if (loaded) return;
    if (!said) log.warn('waiting for the store host to publish the spam model (is `intake start` running with INTAKE_WORKER_KEY?)');
    said = true;
    await new Promise((r) => setTimeout(r, MODEL_POLL_MS));
  }
}
