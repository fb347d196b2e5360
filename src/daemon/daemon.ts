// Wiring of the running daemon: on top of the core, the ingest workers, the sync
// scheduler, revocation retries and the HTTP server, each with its close step.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../log/logger.js';
import type { Db } from '../store/database.js';
import { TicketQuery } from '../store/ticket-query.js';
import { ensureStarterModel } from '../spam/starter-model.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { OAuthStateStore } from '../mailboxes/oauth-state.js';
import { MailboxConnector } from '../mailboxes/mailbox-connector.js';
import { PendingBackfills } from '../mailboxes/pending-backfills.js';
import { syncMailbox } from '../sync/sync-mailbox.js';
import { syncDepsOf } from './sync-deps.js';
import { htmlPresenter } from '../ingest/body/present-html.js';
import { mailHttpDeps } from './mail-wiring.js';
import { disconnectMailbox, retryRevocations } from '../privacy/disconnect-mailbox.js';
import { buildServer } from '../http/build-server.js';
import { buildAdminDeps, buildTokenVerifier, formActionOrigins, startRedirectListener, tokenActor } from './admin-wiring.js';
import type { PrivacyService } from '../privacy/privacy-service.js';
import { buildPrivacyService, startBackups, startRetention } from './privacy-wiring.js';
import { Scheduler } from './scheduler.js';
import { buildSyncHttpDeps } from './sync-wiring.js';
import { ElectedScheduler } from './elected-scheduler.js';
import { claimEmbeddedOwnership } from '../queue/embedded-owner.js';
import { BullmqQueue } from '../queue/bullmq-queue.js';
import { relistAfterQueueLoss } from './queue-loss.js';
import { ShutdownSteps } from './shutdown.js';
import { checkpointInBackground, buildCore, type Core } from './core.js';
import { buildDeliverer, deliveryHttpDeps } from './delivery-wiring.js';
import type { Deliverer } from '../delivery/deliverer.js';
import type { Mailbox } from '../store/mailbox-repo.js';
import { buildImapWatchers, imapConnector } from './imap-wiring.js';
import { buildGmailPush, type GmailPush } from './push-wiring.js';
import { startRemoteSupport } from './remote-wiring.js';
import { buildIngestPipeline, startIngestWorkers, type IngestHooks } from './ingest-wiring.js';

export interface DaemonHooks extends IngestHooks {
  /**
   * Awaited once HTTP listens and before the spam model is prepared, while /readyz says
   * "starting": lets an embedding (a test) observe that state without racing the start-up.
   */
  whileStarting?: () => Promise<void>;
  /** Aborting it during start-up (SIGTERM while the starter model trains) stops start-up cleanly. */
  startSignal?: AbortSignal;
}

export interface Daemon {
  url: string;
  db: Db;
  metrics: Metrics;
  server: FastifyInstance;
  syncNow(mailboxId: number): void;
  /** Runs the pending-revocation retry now instead of at the next 5-minute tick. */
  retryRevocationsNow(): Promise<number>;
  close(): Promise<void>;
}

/** `all`: everything in one process; `scheduler`: everything but ingest workers (they run as `intake worker`). */
export type DaemonRole = 'all' | 'scheduler';

export async function startDaemon(
  config: Config,
  log: Logger,
  hooks: DaemonHooks = {},
  options: { role?: DaemonRole } = {},
): Promise<Daemon> {
  const steps = new ShutdownSteps(log);
  try {
    const core = buildCore(config, log, steps);
    checkpointInBackground(core);
    if (config.queue.driver === 'embedded') {
      const ownership = claimEmbeddedOwnership(core.db);
      steps.add('queue owner', () => ownership.release());
    }
    const metrics = createMetrics();
    let started = false;
    const privacy = buildPrivacyService(core);
    startRetention(core, privacy);
    startBackups(core);
    startRevocationRetries(core);
    const scheduler = buildScheduler(core, metrics);
    // HTTP first, so /healthz answers (and /readyz says "starting") while the starter
    // spam model trains; ingest waits for the model, sync waits for ingest.
    const deliverer = buildDeliverer(core, metrics);
    if (core.queue instanceof BullmqQueue) {
      core.queue.onDataLoss(
        () =>
          void scheduler
            .pauseWhile(() => relistAfterQueueLoss(core.db, core.log))
            .then(() => deliverer.kick())
            .catch((err: unknown) => core.log.error({ err }, 'could not reset what pointed at the lost jobs')),
      );
    }
    const push = buildGmailPush(core);
    const server = await startHttp(core, metrics, scheduler, () => !started, privacy, deliverer, push);
    await hooks.whileStarting?.();
    await prepareSpamModel(core, hooks.startSignal);
    hooks.startSignal?.throwIfAborted();
    const pipeline = buildIngestPipeline(core, metrics, hooks, deliverer);
    if (options.role !== 'scheduler') startIngestWorkers(core, metrics, pipeline);
    // The store host's side of `intake worker --remote`: tokens, the model, the commit queue.
    if (core.queue instanceof BullmqQueue && config.secrets.workerKey) startRemoteSupport(core, core.queue, metrics, pipeline);
    // Webhooks leave from the process with the API (which manages them); a separate
    // `intake worker`'s events reach it at the next fan-out interval.
    deliverer.start();
    scheduler.start();
    push?.start();
    // Registered last so it runs first: no new sync pass while workers drain.
    steps.add('scheduler', () => scheduler.stop());
    started = true;
    const url = serverUrl(config, server);
    log.info({ url, mailboxes: core.mailboxes.list().length }, 'intake started');
    return {
      url,
      db: core.db,
      metrics,
      server,
      syncNow: (id) => scheduler.syncNow(id),
      retryRevocationsNow: () => retryRevocations(core.disconnectDeps),
      close: () => steps.close(),
    };
  } catch (err) {
    await steps.close();
    throw err;
  }
}

/** A new install starts from the starter model; without its corpus package, from an empty one. */
async function prepareSpamModel(core: Core, signal?: AbortSignal): Promise<void> {
  const outcome = await ensureStarterModel(core.spam, core.config.spam, undefined, signal);
  if (outcome.status === 'trained')
    core.log.info(
      { spam: outcome.spam, ham: outcome.ham, ms: outcome.ms, countingPeakRssMb: outcome.countingPeakRssMb },
      'starter spam model trained',
    );
  if (outcome.status === 'unavailable') core.log.warn({ reason: outcome.reason }, 'starter spam model unavailable');
}

function buildScheduler(core: Core, metrics: Metrics): ElectedScheduler {
  const log = core.log.child({ module: 'sync' });
  const deps = syncDepsOf(core, metrics, log);
  const scheduler: { current?: ElectedScheduler } = {};
  const watchers = buildImapWatchers(core, (id) => scheduler.current?.syncNow(id), metrics);
  // After each pass an IMAP mailbox has an IDLE watcher (started once, stopped when it pauses).
  const pass = async (m: Mailbox) => {
    try {
      return await syncMailbox(deps, m);
    } finally {
      const after = core.mailboxes.get(m.id);
      if (after) watchers.ensure(after);
      else void watchers.stop(m.id);
    }
  };
  const make = () =>
    new Scheduler(
      core.mailboxes,
      pass,
      {
        pollIntervalMs: core.config.sync.pollIntervalSeconds * 1000,
        concurrency: core.config.sync.concurrency,
        backfillDelayMs: 200,
      },
      log,
    );
  const q = core.queue;
  const election =
    q instanceof BullmqQueue
      ? { redis: q.redis, key: `${core.config.queue.redisPrefix}:scheduler-lock`, leaseMs: core.config.queue.schedulerLeaseSeconds * 1000 }
      : undefined;
  scheduler.current = new ElectedScheduler(make, election, log);
  return scheduler.current;
}

function startRevocationRetries(core: Core): void {
  const timer = setInterval(() => {
    retryRevocations(core.disconnectDeps).catch((err: unknown) => core.log.error({ err }, 'revocation retry failed'));
  }, 5 * 60_000);
  timer.unref();
  core.steps.add('revocation retries', () => clearInterval(timer));
}

async function startHttp(
  core: Core,
  metrics: Metrics,
  scheduler: ElectedScheduler,
  isStarting: () => boolean,
  privacy: PrivacyService,
  deliverer: Deliverer,
  push: GmailPush | null,
): Promise<FastifyInstance> {
  const { config } = core;
  const connector = new MailboxConnector({
    oauth: core.oauth,
    states: new OAuthStateStore(core.db, core.box, core.macRoot),
    mailboxes: core.mailboxes,
    box: core.box,
    audit: core.audit,
    log: core.log.child({ module: 'connect' }),
    labelImported: config.google.labelImported,
    subjectRef: core.subjectRef,
    backfills: {
      pending: new PendingBackfills(core.db),
      defaultChoice: config.sync.backfill,
      previewFirst: config.sync.previewFirst,
    },
  });
  const admin = buildAdminDeps(core);
  const tls = config.http.tls.certFile
    ? { https: { cert: readFileSync(config.http.tls.certFile), key: readFileSync(config.http.tls.keyFile) } }
    : {};
  const server = await buildServer(
    {
      log: core.log,
      db: core.db,
      metrics,
      mailboxes: core.mailboxes,
      tickets: new TicketQuery(core.db, htmlPresenter(config.html)),
      mail: mailHttpDeps(core),
      queue: core.queue,
      connector,
      verifyToken: buildTokenVerifier(core, admin),
      admin,
      review: {
        quarantine: core.quarantine,
        review: {
          db: core.db,
          filter: core.spam,
          tickets: core.tickets,
          quarantine: core.quarantine,
          audit: core.audit,
          mailboxes: core.mailboxes,
          sourceFor: (m) => core.sources.sourceFor(m),
          limits: config.ingest,
        },
      },
      delivery: deliveryHttpDeps(core, deliverer),
      deadLetters: { queue: core.queue, poison: core.poison },
      pollIntervalSeconds: config.sync.pollIntervalSeconds,
      isShuttingDown: () => core.steps.isClosing,
      isStarting,
      syncNow: (id) => {
        scheduler.syncNow(id);
        push?.touch(id);
      },
      ...(push ? { push: push.http } : {}),
      disconnect: (id, opts) => disconnectMailbox(core.disconnectDeps, id, opts),
      addImap: imapConnector(core),
      sync: buildSyncHttpDeps(core),
      backfillDefaults: { defaultChoice: config.sync.backfill, previewFirst: config.sync.previewFirst },
      privacy,
      tokenActor: (token) => tokenActor(admin, token),
    },
    {
      trustProxy: config.http.trustProxy,
      allowlist: config.http.allowlist,
      formActionOrigins: formActionOrigins(core),
      apiTurns: { perTurn: config.http.apiRequestsPerTurn, maxWaiting: config.http.apiMaxWaiting },
      ...tls,
    },
  );
  core.steps.add('http', () => server.close());
  await server.listen({ host: config.http.host, port: config.http.port });
  await startRedirectListener(core);
  return server;
}

function serverUrl(config: Config, server: FastifyInstance): string {
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  return `${config.http.tls.certFile ? 'https' : 'http'}://${host}:${port}`;
}
