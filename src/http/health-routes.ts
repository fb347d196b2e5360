// /healthz (the process answers), /readyz (store, queue and each mailbox's last successful
// sync) and /metrics (Prometheus). Unauthenticated by design: operators' probes call them.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from './http-deps.js';
import { INGEST_QUEUE } from '../ingest/ingest-job.js';
import { mailboxHealth } from './mailbox-health.js';
import { deadLetterSummary, deadLetterSummaryOrEmpty } from './dead-letter-summary.js';

export function registerHealthRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks = { store: await check(() => deps.db.prepare('SELECT 1').get()), queue: await check(() => deps.queue.ping()) };
    // The queue check above already says when the queue cannot answer; readiness still reports.
    const dead = checks.queue === 'ok' ? await deadLetterSummaryOrEmpty(deps) : null;
    const mailboxes = deps.mailboxes.list().map((m) => ({
      ...mailboxHealth(m, deps.mailboxes.syncState(m.id), deps.pollIntervalSeconds),
      deadLetters: dead?.byMailbox.get(m.id) ?? null,
    }));
    // A mailbox that needs re-consent is reported, not fatal: the other mailboxes still sync.
    const healthy = checks.store === 'ok' && checks.queue === 'ok';
    const status = deps.isShuttingDown() ? 'shutting_down' : !healthy ? 'not_ready' : deps.isStarting() ? 'starting' : 'ready';
    // Dead letters are shown, not fatal: the daemon still ingests; an operator replays them.
    return reply.code(status === 'ready' ? 200 : 503).send({ status, checks, deadLetters: dead?.totals ?? null, mailboxes });
  });

  app.get('/metrics', async (_request, reply) => {
    await refreshGauges(deps);
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}

async function check(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  }
}

async function refreshGauges(deps: HttpDeps): Promise<void> {
  deps.metrics.mailboxesByState.reset();
  for (const m of deps.mailboxes.list()) deps.metrics.mailboxesByState.inc({ state: m.state });
  const counts = await deps.queue.counts(INGEST_QUEUE);
  for (const [state, n] of Object.entries(counts) as [string, number][]) deps.metrics.queueJobs.set({ queue: INGEST_QUEUE, state }, n);
  const dead = await deadLetterSummary(deps);
  deps.metrics.deadLetters.set({ kind: 'job' }, dead.totals.jobs);
  deps.metrics.deadLetters.set({ kind: 'poison' }, dead.totals.poison);
}
