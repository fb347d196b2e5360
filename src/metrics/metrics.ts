// Every Prometheus metric Intake exports, on one registry built per process (no globals,
// so tests can build several daemons side by side).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'intake_' });
  const registers = [registry];
  return {
    registry,
    messagesIngested: new Counter({
      name: 'intake_messages_ingested_total',
      help: 'Messages taken from a mailbox, by outcome (ticket_created, message_added, duplicate, quarantined, skipped)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    ingestSeconds: new Histogram({
      name: 'intake_ingest_duration_seconds',
      help: 'Time to fetch, parse, classify and store one message',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    syncRuns: new Counter({
      name: 'intake_sync_runs_total',
      help: 'Mailbox sync passes, by result (ok, or the error code)',
      labelNames: ['result'] as const,
      registers,
    }),
    syncEnqueued: new Counter({ name: 'intake_sync_enqueued_total', help: 'Ingest jobs enqueued by sync', registers }),
    syncAlreadyLanded: new Counter({
      name: 'intake_sync_already_landed_total',
      help: 'Messages a sync listed that had already landed (ticket, quarantine, tombstone, suppressed, poison) and were not queued again',
      registers,
    }),
    fullResyncs: new Counter({
      name: 'intake_full_syncs_total',
      help: 'Full mailbox syncs started, by reason (first_sync, history_expired)',
      labelNames: ['reason'] as const,
      registers,
    }),
    mailboxesByState: new Gauge({
      name: 'intake_mailboxes',
      help: 'Connected mailboxes by state',
      labelNames: ['state'] as const,
      registers,
    }),
    needsReconsent: new Counter({
      name: 'intake_mailbox_reconsent_required_total',
      help: 'Mailboxes that lost their grant, by classified reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    imapWatchers: new Gauge({
      name: 'intake_imap_watchers',
      help: 'IMAP mailboxes with an IDLE connection waiting for new mail',
      registers,
    }),
    imapWatchReconnects: new Counter({
      name: 'intake_imap_watch_reconnects_total',
      help: 'IDLE connections that failed or dropped and are being re-opened (the poll still finds the mail meanwhile)',
      registers,
    }),
    // Webhooks and the HTTP API (delivery/, http/).
    webhookDeliveries: new Counter({
      name: 'intake_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by endpoint id and outcome (delivered, retry, dead, endpoint_gone)',
      labelNames: ['endpoint', 'outcome'] as const,
      registers,
    }),
    webhookLatency: new Histogram({
      name: 'intake_webhook_delivery_latency_seconds',
      help: 'From the commit of an event to the 2xx of its receiver',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers,
    }),
    oldestUndeliveredSeconds: new Gauge({
      name: 'intake_webhook_oldest_undelivered_event_age_seconds',
      help: 'Age of the oldest committed event some active endpoint has not yet received (0 when none)',
      registers,
    }),
    httpRequests: new Counter({
      name: 'intake_http_requests_total',
      help: 'HTTP requests by route pattern, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      registers,
    }),
    queueJobs: new Gauge({
      name: 'intake_queue_jobs',
      help: 'Jobs in the queue by queue and state',
      labelNames: ['queue', 'state'] as const,
      registers,
    }),
    deadLetters: new Gauge({
      name: 'intake_dead_letters',
      help: 'Failed jobs (kind=job) and poison entries (kind=poison) waiting for a replay',
      labelNames: ['kind'] as const,
      registers,
    }),
  };
}
