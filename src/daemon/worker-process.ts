// `intake worker` (`intake start --role worker`): ingest workers only, for the bullmq driver.
// No scheduler, no API: its own small HTTP server answers /healthz, /readyz and /metrics on
// queue.workerPort. It opens the store on this host to write tickets; `intake worker --remote`
// (remote-worker-process.ts) is the one for other hosts.
import Fastify, { type FastifyInstance, type FastifySchema } from 'fastify';
import type { Registry } from 'prom-client';
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../log/logger.js';
import { IntakeError } from '../errors/intake-error.js';
import { createMetrics } from '../metrics/metrics.js';
import { ShutdownSteps } from './shutdown.js';
import { checkpointInBackground, buildCore } from './core.js';
import { buildIngestPipeline, startIngestWorkers } from './ingest-wiring.js';

export interface WorkerProcess {
  url: string;
  close(): Promise<void>;
}

const statusSchema = {
  type: 'object',
  properties: { status: { type: 'string' }, queue: { type: 'string' } },
  required: ['status'],
} as const;

export async function startWorkerProcess(config: Config, log: Logger): Promise<WorkerProcess> {
  if (config.queue.driver !== 'bullmq') {
    throw new IntakeError(
      'INTAKE_ERR_CONFIG',
      'intake worker needs queue.driver = "bullmq" (the embedded queue runs its workers inside `intake start`)',
      false,
    );
  }
  const steps = new ShutdownSteps(log);
  try {
    const core = buildCore(config, log, steps);
    checkpointInBackground(core);
    const metrics = createMetrics();
    const http = await startWorkerHttp(config, metrics.registry, steps, () => core.queue.ping());
    startIngestWorkers(core, metrics, buildIngestPipeline(core, metrics, {}));
    log.info({ url: http.url, role: 'worker' }, 'intake worker started');
    return { url: http.url, close: () => steps.close() };
  } catch (err) {
    await steps.close();
    throw err;
  }
}

/** The worker's /healthz, /readyz (`ready` resolves) and /metrics on queue.workerPort, closed with `steps`. */
export async function startWorkerHttp(
  config: Config,
  registry: Registry,
  steps: ShutdownSteps,
  ready: () => Promise<void>,
): Promise<{ url: string }> {
  const server = Fastify({ logger: false });
  registerWorkerRoutes(server, ready, registry, () => steps.isClosing);
  steps.add('worker http', () => server.close());
  await server.listen({ host: config.http.host, port: config.queue.workerPort });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.queue.workerPort;
  return { url: `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}` };
}

function registerWorkerRoutes(app: FastifyInstance, ready: () => Promise<void>, registry: Registry, closing: () => boolean): void {
  // `tags` is read by the OpenAPI document (@fastify/swagger), which FastifySchema's type does not know.
  const schema = (s: Record<string, unknown>) => ({ tags: ['health'], ...s }) as FastifySchema;
  app.get('/healthz', { schema: schema({ response: { 200: statusSchema } }) }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: schema({ response: { 200: statusSchema, 503: statusSchema } }) }, async (_req, reply) => {
    if (closing()) return reply.code(503).send({ status: 'shutting_down' });
    try {
      await ready();
      return { status: 'ready', queue: 'ok' };
    } catch (err) {
      return reply.code(503).send({ status: 'not_ready', queue: `failed: ${(err as Error).message}` });
    }
  });
  app.get('/metrics', { schema: schema({}) }, async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
}
