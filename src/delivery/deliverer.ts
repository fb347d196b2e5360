// The webhook sink: fans committed outbox events out to endpoints (one delivery row per
// endpoint and event) and runs `deliver` jobs through the JobQueue: sign, POST, record. Events
// of one ticket reach one endpoint in order, as one stream: a stream has one job at a time,
// which sends its pending events oldest first until none is left, so a later event never
// overtakes an earlier one that is still being retried; a job whose stream is already being
// sent by another job here (a replay, a recovered lease) leaves its event to that one.
import type { JobQueue, Job, JobWorker } from '../queue/job-queue.js';
import { PermanentJobError } from '../queue/job-queue.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Db } from '../store/database.js';
import { IntakeError } from '../errors/intake-error.js';
import { DeliveryRepo, type DeliveredMark, type DeliveryRow, type UnqueuedDelivery } from './delivery-repo.js';
import { WebhookRepo, type SecretSealer } from './webhook-repo.js';
import { WebhookSender } from './http-sender.js';
import { decideAttempt, describeAttempt } from './retry-rules.js';
import { signatureHeader, SIGNATURE_HEADER } from './signature.js';
import type { UrlPolicy } from './url-guard.js';
import { eventBodyOfRow } from './event-body.js';
import { GroupCommit } from '../store/group-commit.js';

export const DELIVER_QUEUE = 'deliver';

export interface DeliverJobData {
  deliveryId: number;
  generation: number;
}

export interface DelivererOptions extends UrlPolicy {
  maxRetryHours: number;
  requestTimeoutMs: number;
  concurrency: number;
  dispatchIntervalMs: number;
}

export function deliverJobId(deliveryId: number, generation: number): string {
  return `deliver:${deliveryId}:${generation}`;
}

export class Deliverer {
  readonly endpoints: WebhookRepo;
  readonly deliveries: DeliveryRepo;
  private readonly sender: WebhookSender;
  private readonly commits: GroupCommit;
  /** Streams (endpoint + ticket) a job of this process is sending now; `again` asks it to look once more. */
  private readonly draining = new Map<string, { again: boolean }>();
  /** Streams of `draining` waiting for their delivered marks to commit (recordDelivered). */
  private awaitingMarks = 0;
  private timer: NodeJS.Timeout | undefined;
  private worker: JobWorker | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private closed = false;
  /** The last pass found no active endpoint: a kick waits for the interval's pass (see kick). */
  private noEndpoints = false;

  private readonly queue: JobQueue;
  private readonly options: DelivererOptions;
  private readonly log: Logger;
  private readonly metrics?: Metrics;

  constructor(db: Db, box: SecretSealer, queue: JobQueue, options: DelivererOptions, log: Logger, metrics?: Metrics) {
    this.queue = queue;
    this.options = options;
    this.log = log;
    this.metrics = metrics;
    this.endpoints = new WebhookRepo(db, box);
    this.deliveries = new DeliveryRepo(db);
    this.commits = new GroupCommit(db);
    this.sender = new WebhookSender(options, options.requestTimeoutMs);
  }

  /** Starts the fan-out loop and the deliver workers. */
  start(): void {
    this.worker = this.queue.process<DeliverJobData>(DELIVER_QUEUE, (job) => this.handle(job), { concurrency: this.options.concurrency });
    this.schedule(0);
  }

  /**
   * Fan out now (after a commit this process made) instead of at the next interval. With no
   * active endpoint there is nothing to send, and a pass per ingested message only moved the
   * cursor (2.6% of the ingest thread in an IMAP import): the interval's pass does that, and
   * notices a new endpoint within dispatchIntervalMs.
   */
  kick(): void {
    if (this.closed || this.noEndpoints) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** One fan-out pass: new outbox events to deliveries, then every unqueued delivery to a job. */
  async dispatch(): Promise<void> {
    const routes = this.endpoints.activeRoutes();
    this.noEndpoints = routes.length === 0;
    while (this.deliveries.fanOut(routes) > 0) {
      // keep going until the outbox is drained
    }
    for (let batch = this.deliveries.unqueued(); batch.length > 0; batch = this.deliveries.unqueued()) {
      const heads = this.streamHeads(batch);
      await this.queue.addBulk<DeliverJobData>(
        DELIVER_QUEUE,
        heads.map((d) => ({ id: deliverJobId(d.id, d.generation), name: 'deliver', data: { deliveryId: d.id, generation: d.generation } })),
      );
      // Only now durable in the queue: a crash before this line enqueues them again (same job ids).
      this.deliveries.markEnqueued(batch);
    }
    const oldest = this.deliveries.oldestUndeliveredAt();
    this.metrics?.oldestUndeliveredSeconds.set(oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.ticking;
    await this.worker?.close();
    this.sender.close();
  }

  /**
   * One job per stream (endpoint + ticket), not per event: the job sends its stream's pending
   * events oldest first until none is left (drain), so a later event needs no job of its own
   * while an earlier one's job is queued, and no queue slot is spent on a job with nothing to do.
   */
  private streamHeads(batch: UnqueuedDelivery[]): UnqueuedDelivery[] {
    const seen = new Set<string>();
    return batch.filter((d) => {
      if (d.orderKey === null) return true;
      const key = `${d.endpointId}|${d.orderKey}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return !this.deliveries.streamQueued(d.endpointId, d.orderKey);
    });
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.closed || this.ticking) return;
    this.ticking = this.dispatch().catch((err: unknown) => this.log.error({ err }, 'webhook fan-out failed; retrying next interval'));
    await this.ticking;
    this.ticking = undefined;
    if (this.closed) return;
    const rerun = this.again;
    this.again = false;
    this.schedule(rerun ? 0 : this.options.dispatchIntervalMs);
  }

  private async handle(job: Job<DeliverJobData>): Promise<void> {
    const d = this.deliveries.get(job.data.deliveryId);
    // Gone (endpoint removed, ticket erased) or superseded by a newer retry's job.
    if (!d || d.generation !== job.data.generation) return;
    const key = d.order_key === null ? `d:${d.id}` : `${d.endpoint_id}|${d.order_key}`;
    const running = this.draining.get(key);
    if (running) {
      // This ticket's stream is being sent by another job here; it sends this one too, in order.
      running.again = true;
      return;
    }
    const state = { again: false };
    this.draining.set(key, state);
    try {
      do {
        state.again = false;
        await this.drain(d);
      } while (state.again);
    } finally {
      this.draining.delete(key);
    }
  }

  /**
   * Sends every undelivered event of the stream (endpoint + ticket), oldest first, and again
   * until none is left: events fanned out while it sends were given no job of their own
   * (streamHeads). A failure stops the stream; its job is retried and carries on from there.
   * What was delivered is recorded in one transaction before the stream is read again, before a
   * failure is recorded and when the drain ends: a commit per event was the deliverer's largest
   * cost on a backlog. A crash before that write sends those events again (at least once;
   * receivers dedupe on the event id).
   */
  private async drain(target: DeliveryRow): Promise<void> {
    const delivered: DeliveredMark[] = [];
    const pending = async (): Promise<number[]> => {
      await this.recordDelivered(delivered);
      if (target.order_key !== null) return this.deliveries.pendingChainIds(target.endpoint_id, target.order_key);
      return this.deliveries.get(target.id)?.state === 'pending' ? [target.id] : [];
    };
    try {
      for (let chain = await pending(); chain.length > 0; chain = await pending()) {
        let progressed = false;
        for (const id of chain) {
          const outcome = await this.attempt(id, delivered);
          if (outcome === 'retry') {
            throw new IntakeError('INTAKE_ERR_WEBHOOK_DELIVERY', `delivery ${id} to endpoint ${target.endpoint_id} will be retried`, true);
          }
          if (outcome === 'endpoint_gone') throw new PermanentJobError(`endpoint ${target.endpoint_id} answered 410 Gone and was disabled`);
          if (outcome !== 'skipped') progressed = true;
        }
        if (!progressed || target.order_key === null) return;
      }
    } finally {
      await this.recordDelivered(delivered);
    }
  }

  /**
   * In the next group commit, shared with the other streams whose sends end within its window;
   * committed at once when every stream being sent here waits for it, as none could join.
   */
  private async recordDelivered(delivered: DeliveredMark[]): Promise<void> {
    if (delivered.length === 0) return;
    const marks = delivered.splice(0);
    const committed = this.commits.run(() => this.deliveries.markAllDelivered(marks));
    this.awaitingMarks++;
    if (this.awaitingMarks >= this.draining.size) this.commits.flushNow();
    try {
      await committed;
    } finally {
      this.awaitingMarks--;
    }
  }

  /**
   * One POST of delivery `id`, read as stored now (after every await before it: an endpoint
   * disabled or an event erased meanwhile is not sent), and its outcome recorded.
   */
  private async attempt(id: number, delivered: DeliveredMark[]): Promise<'delivered' | 'retry' | 'dead' | 'endpoint_gone' | 'skipped'> {
    const d = this.deliveries.sendable(id);
    if (!d || d.state !== 'pending') return 'skipped';
    const { event, endpoint: stored } = d;
    if (!stored || !event) {
      // Left pending it would hold its stream's later events, which now have no job of their own.
      this.deliveries.markDead(d.id, !stored ? 'endpoint removed' : 'event erased');
      return 'dead';
    }
    if (stored.state !== 'active') {
      this.deliveries.markDead(d.id, `endpoint disabled: ${stored.disabled_reason ?? 'by an admin'}`);
      return 'dead';
    }
    const endpoint = { id: d.endpoint_id, url: stored.url };
    const secret = this.endpoints.secretOfSealed(d.endpoint_id, stored.secret_cipher);
    const body = eventBodyOfRow(event);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      [SIGNATURE_HEADER]: signatureHeader(secret, timestamp, body),
      'intake-event-id': event.event_id,
      'intake-event-type': event.event,
      'intake-timestamp': String(timestamp),
      'user-agent': 'Intake-Webhooks/1',
    };
    if (event.trace_id) headers['intake-trace-id'] = event.trace_id;
    const result = await this.sender.send({ url: endpoint.url, headers, body });
    const now = Date.now();
    const decision = decideAttempt(result, d.first_attempt_at ?? now, now, this.options.maxRetryHours);
    // A child logger costs (redaction setup): made only for the lines actually written.
    const log = () => this.log.child({ endpointId: endpoint.id, deliveryId: d.id, eventId: event.event_id, traceId: event.trace_id });
    this.metrics?.webhookDeliveries.inc({ endpoint: String(endpoint.id), outcome: decision });
    switch (decision) {
      case 'delivered': {
        delivered.push({ id: d.id, outboxId: d.outbox_id, at: now, status: (result as { status: number }).status });
        this.metrics?.webhookLatency.observe((now - event.created_at) / 1000);
        return 'delivered';
      }
      case 'endpoint_gone': {
        // The stream's earlier events were delivered: recorded so, before its pending ones fail.
        if (delivered.length > 0) this.deliveries.markAllDelivered(delivered.splice(0));
        this.deliveries.recordFailure(d.id, now, 410, 'receiver answered 410 Gone');
        this.endpoints.disable(endpoint.id, 'receiver answered 410 Gone');
        const failed = this.deliveries.failPendingOf(endpoint.id, 'endpoint disabled: receiver answered 410 Gone');
        log().warn({ failed }, 'webhook endpoint answered 410 Gone; disabled it (its pending deliveries are dead letters)');
        return 'endpoint_gone';
      }
      case 'retry':
      case 'dead': {
        const status = 'status' in result ? result.status : null;
        this.deliveries.recordFailure(d.id, now, status, describeAttempt(result));
        if (decision === 'dead') {
          this.deliveries.markDead(d.id, `gave up after webhooks.maxRetryHours: ${describeAttempt(result)}`);
          log().warn({ status }, 'webhook delivery given up; listed as a dead letter');
        } else {
          log().info({ status, error: 'error' in result ? result.error : undefined }, 'webhook delivery failed; will retry');
        }
        return decision;
      }
    }
  }
}
