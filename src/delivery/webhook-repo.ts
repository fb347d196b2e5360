// Webhook endpoints: URL, event filter, signing secret sealed at rest (like refresh tokens),
// state. The secret is returned in clear only when created or rotated.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database.js';
import { EVENT_TYPES, type EventType } from '../store/event-repo.js';
import { newWebhookSecret } from './signature.js';

/** What seals and opens secrets (crypto/SecretBox). */
export interface SecretSealer {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export interface WebhookEndpoint {
  id: number;
  url: string;
  description: string;
  /** Empty: every event type. */
  events: EventType[];
  state: 'active' | 'disabled';
  disabledReason: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

interface EndpointRow {
  id: number;
  url: string;
  description: string;
  events: string;
  secret_cipher: string;
  state: 'active' | 'disabled';
  disabled_reason: string | null;
  from_outbox_id: number;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

export class WebhookRepo {
  /** Statements prepared once per SQL text: preparing is the costly part of a small query. */
  private readonly statements = new Map<string, Statement>();
  /**
   * Opened secrets, in memory only, each beside the sealed value it came from: opening
   * (AES-GCM, a key object per call) cost more than the rest of a delivery's bookkeeping. A
   * rotation or removal by any process changes or deletes the stored sealed value, so an
   * entry whose sealed value no longer matches the row is never used.
   */
  private readonly opened = new Map<number, { sealed: string; secret: string }>();

  private readonly db: Db;
  private readonly box: SecretSealer;

  constructor(db: Db, box: SecretSealer) {
    this.db = db;
    this.box = box;
  }

  private stmt<P extends unknown[] | object = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as unknown as Statement<P, R>;
  }

  /** New events only: what was in the outbox before reaches the endpoint by replay. */
  create(input: { url: string; events: EventType[]; description: string; createdBy: string }): {
    endpoint: WebhookEndpoint;
    secret: string;
  } {
    const secret = newWebhookSecret();
    const now = Date.now();
    const info = this.stmt(
      `INSERT INTO webhook_endpoints (url, description, events, secret_cipher, from_outbox_id, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, COALESCE((SELECT MAX(id) FROM outbox), 0), ?, ?, ?)`,
    ).run(
      input.url,
      input.description,
      input.events.length ? JSON.stringify(input.events) : '*',
      this.box.seal(secret),
      input.createdBy,
      now,
      now,
    );
    return { endpoint: this.get(Number(info.lastInsertRowid)) as WebhookEndpoint, secret };
  }

  get(id: number): WebhookEndpoint | undefined {
    const row = this.row(id);
    return row && toEndpoint(row);
  }

  list(): WebhookEndpoint[] {
    return this.stmt<[], EndpointRow>('SELECT * FROM webhook_endpoints ORDER BY id').all().map(toEndpoint);
  }

  /** Active endpoints with what the dispatcher needs to route events to them. */
  activeRoutes(): { id: number; events: EventType[]; fromOutboxId: number }[] {
    return this.stmt<[], EndpointRow>("SELECT * FROM webhook_endpoints WHERE state = 'active' ORDER BY id")
      .all()
      .map((r) => ({ id: r.id, events: toEndpoint(r).events, fromOutboxId: r.from_outbox_id }));
  }

  secretOf(id: number): string | undefined {
    return this.forDelivery(id)?.secret;
  }

  /** The endpoint and its secret in clear, from one read of its row: what each delivery needs. */
  forDelivery(id: number): { endpoint: WebhookEndpoint; secret: string } | undefined {
    const row = this.row(id);
    return row && { endpoint: toEndpoint(row), secret: this.open(row) };
  }

  /** The secret in clear of endpoint `id`, whose stored sealed value was read as `sealed` (DeliveryRepo.sendable). */
  secretOfSealed(id: number, sealed: string): string {
    return this.open({ id, secret_cipher: sealed });
  }

  rotateSecret(id: number): string | undefined {
    const secret = newWebhookSecret();
    this.opened.delete(id);
    const changed = this.stmt('UPDATE webhook_endpoints SET secret_cipher = ?, updated_at = ? WHERE id = ?').run(
      this.box.seal(secret),
      Date.now(),
      id,
    ).changes;
    return changed === 1 ? secret : undefined;
  }

  /** Cascades to its deliveries. */
  remove(id: number): boolean {
    this.opened.delete(id);
    return this.stmt('DELETE FROM webhook_endpoints WHERE id = ?').run(id).changes === 1;
  }

  disable(id: number, reason: string): void {
    this.stmt("UPDATE webhook_endpoints SET state = 'disabled', disabled_reason = ?, updated_at = ? WHERE id = ?").run(
      reason,
      Date.now(),
      id,
    );
  }

  enable(id: number): boolean {
    return (
      this.stmt("UPDATE webhook_endpoints SET state = 'active', disabled_reason = NULL, updated_at = ? WHERE id = ?").run(Date.now(), id)
        .changes === 1
    );
  }

  private open(row: Pick<EndpointRow, 'id' | 'secret_cipher'>): string {
    const cached = this.opened.get(row.id);
    if (cached?.sealed === row.secret_cipher) return cached.secret;
    const secret = this.box.open(row.secret_cipher);
    this.opened.set(row.id, { sealed: row.secret_cipher, secret });
    return secret;
  }

  private row(id: number): EndpointRow | undefined {
    return this.stmt<[number], EndpointRow>('SELECT * FROM webhook_endpoints WHERE id = ?').get(id);
  }
}

function toEndpoint(r: EndpointRow): WebhookEndpoint {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    events: r.events === '*' ? [] : (JSON.parse(r.events) as EventType[]),
    state: r.state,
    disabledReason: r.disabled_reason,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
