// Queue metrics per queue and driver, read when /metrics is scraped (depth, active,
// delayed, failed, the oldest waiting job's age), job durations observed as jobs finish,
// and the Redis connection state for the bullmq driver.
import { Gauge, Histogram, type Registry } from 'prom-client';
import type { JobHandler, JobQueue } from '../queue/job-queue.js';

export interface QueueStatsSource {
  counts: JobQueue['counts'];
  /** Age of the oldest job that is ready to run but not taken, 0 when none waits. */
  oldestWaitingMs?(queue: string): Promise<number>;
  /** ioredis' connection status, for the bullmq driver. */
  readonly redisStatus?: string;
}

export interface QueueMetrics {
  /** Wraps a handler so each job's duration is observed, labelled by outcome. */
  instrument<T>(queue: string, handler: JobHandler<T>): JobHandler<T>;
}

/** One set of queue metrics per registry: a second caller (the commit queue beside ingest) adds its queues. */
const registered = new WeakMap<Registry, { queues: string[]; metrics: QueueMetrics }>();

export function registerQueueMetrics(registry: Registry, source: QueueStatsSource, driver: string, queues: string[]): QueueMetrics {
  const existing = registered.get(registry);
  if (existing) {
    for (const q of queues) if (!existing.queues.includes(q)) existing.queues.push(q);
    return existing.metrics;
  }
  const list = [...queues];
  const metrics = createQueueMetrics(registry, source, driver, list);
  registered.set(registry, { queues: list, metrics });
  return metrics;
}

function createQueueMetrics(registry: Registry, source: QueueStatsSource, driver: string, queues: string[]): QueueMetrics {
  const registers = [registry];
  new Gauge({
    name: 'intake_queue_depth',
    help: 'Jobs per queue, driver and state (waiting includes delayed; delayed also on its own)',
    labelNames: ['queue', 'driver', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      for (const queue of queues) {
        const c = (await source.counts(queue).catch(() => undefined)) as (Record<string, number> & { delayed?: number }) | undefined;
        if (!c) continue;
        for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed']) this.set({ queue, driver, state }, c[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'intake_queue_oldest_waiting_seconds',
    help: 'Age of the oldest job ready to run and not yet taken, per queue and driver',
    labelNames: ['queue', 'driver'] as const,
    registers,
    async collect() {
      this.reset();
      for (const queue of queues) {
        const ms = await source.oldestWaitingMs?.(queue).catch(() => undefined);
        if (ms !== undefined) this.set({ queue, driver }, ms / 1000);
      }
    },
  });
  if (source.redisStatus !== undefined) {
    new Gauge({
      name: 'intake_redis_connected',
      help: '1 while the connection to Redis is ready, else 0',
      registers,
      collect() {
        this.set(source.redisStatus === 'ready' ? 1 : 0);
      },
    });
  }
  const duration = new Histogram({
    name: 'intake_queue_job_duration_seconds',
    help: 'Time a job spent in its handler, per queue, driver and outcome',
    labelNames: ['queue', 'driver', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  return {
    instrument: (queue, handler) => async (job) => {
      const end = duration.startTimer({ queue, driver });
      try {
        await handler(job);
        end({ outcome: 'ok' });
      } catch (err) {
        end({ outcome: 'error' });
        throw err;
      }
    },
  };
}
