// One Gmail mailbox: messages, labels, threads and the history log with its
// retention floor. Pure state with no HTTP, so control calls and API routes
// mutate it the same way and every change bumps the mailbox historyId.
import { randomInt } from 'node:crypto';
import type { DeliveredMessage, DeliverOptions } from './types.js';
import { headerValue, type Header } from './mime-headers.js';
import { parseEntity, snippetOf } from './mime-payload.js';
import { SYSTEM_LABELS, type Label } from './labels.js';
import { findThread, messageIdsIn } from './threading.js';

export interface StoredMessage {
  id: string;
  threadId: string;
  raw: Buffer;
  labelIds: string[];
  internalDate: number;
  historyId: number;
  /** Arrival order, breaks internalDate ties in newest-first listings. */
  seq: number;
  snippet: string;
  headers: Header[];
}

export interface MessageRef {
  id: string;
  threadId: string;
  labelIds: string[];
}

export interface HistoryRecord {
  id: number;
  message: MessageRef;
  added?: true;
  deleted?: true;
  labelsAdded?: string[];
  labelsRemoved?: string[];
}

export class Mailbox {
  historyId = 1000 + randomInt(9000);
  /** startHistoryIds below this answer 404. */
  minValidHistoryId = this.historyId;
  readonly messages = new Map<string, StoredMessage>();
  readonly labels = new Map<string, Label>(SYSTEM_LABELS.map((l) => [l.id, { ...l }]));
  readonly history: HistoryRecord[] = [];
  /** RFC 5322 Message-ID -> Gmail id, for threading replies. */
  readonly byMessageId = new Map<string, string>();
  private readonly threadSizes = new Map<string, number>();
  private seq = 0;

  readonly email: string;
  private readonly retention: number;
  /** Told of every history record (the fake's push notifications start here). */
  private readonly onChange: ((box: Mailbox, record: HistoryRecord) => void) | undefined;

  constructor(email: string, retention: number, onChange?: (box: Mailbox, record: HistoryRecord) => void) {
    this.email = email;
    this.retention = retention;
    this.onChange = onChange;
  }

  get threadCount(): number {
    return this.threadSizes.size;
  }

  deliver(raw: Buffer, opts: DeliverOptions = {}): DeliveredMessage {
    const labelIds = [...(opts.labelIds ?? ['INBOX', 'UNREAD'])];
    const unknown = labelIds.find((l) => !this.labels.has(l));
    if (unknown) throw new Error(`deliver: unknown label id ${unknown}`);
    const entity = parseEntity(raw);
    const id = this.newMessageId();
    const threadId = findThread(this, entity.headers) ?? id;
    const msg: StoredMessage = {
      id,
      threadId,
      raw,
      labelIds,
      internalDate: opts.internalDate ?? Date.now(),
      historyId: 0,
      seq: ++this.seq,
      snippet: snippetOf(entity),
      headers: entity.headers,
    };
    this.messages.set(id, msg);
    this.threadSizes.set(threadId, (this.threadSizes.get(threadId) ?? 0) + 1);
    for (const mid of messageIdsIn(headerValue(entity.headers, 'message-id'))) {
      if (!this.byMessageId.has(mid)) this.byMessageId.set(mid, id);
    }
    this.record(msg, { added: true });
    return { id, threadId, historyId: String(msg.historyId) };
  }

  /** Gmail-like ids: 16 hex digits, time-ordered, unique in the mailbox. */
  private newMessageId(): string {
    for (;;) {
      const n = (BigInt(Date.now()) << 20n) | BigInt(randomInt(1 << 20));
      const id = n.toString(16).padStart(16, '0').slice(-16);
      if (!this.messages.has(id)) return id;
    }
  }

  /** Returns an error message for an invalid label, else the updated message. */
  modify(id: string, add: string[], remove: string[]): StoredMessage | string | undefined {
    const msg = this.messages.get(id);
    if (!msg) return undefined;
    for (const l of [...add, ...remove]) {
      if (!this.labels.has(l) || l === 'DRAFT' || l === 'SENT') return `Invalid label: ${l}`;
    }
    const added = [...new Set(add)].filter((l) => !msg.labelIds.includes(l) && !remove.includes(l));
    const removed = [...new Set(remove)].filter((l) => msg.labelIds.includes(l));
    if (added.length === 0 && removed.length === 0) return msg;
    msg.labelIds = [...msg.labelIds.filter((l) => !removed.includes(l)), ...added];
    this.record(msg, {
      ...(added.length ? { labelsAdded: added } : {}),
      ...(removed.length ? { labelsRemoved: removed } : {}),
    });
    return msg;
  }

  deleteMessage(id: string): boolean {
    const msg = this.messages.get(id);
    if (!msg) return false;
    this.messages.delete(id);
    const left = (this.threadSizes.get(msg.threadId) ?? 1) - 1;
    if (left > 0) this.threadSizes.set(msg.threadId, left);
    else this.threadSizes.delete(msg.threadId);
    this.record(msg, { deleted: true });
    return true;
  }

  /** Label changes move the mailbox historyId but leave no message history record. */
  bumpHistoryId(): number {
    this.historyId += 1 + randomInt(4); // Gmail ids grow with gaps; clients must not assume +1
    return this.historyId;
  }

  expireHistory(): void {
    this.minValidHistoryId = this.historyId;
    this.history.length = 0;
  }

  private record(msg: StoredMessage, change: Omit<HistoryRecord, 'id' | 'message'>): void {
    msg.historyId = this.bumpHistoryId();
    const message = { id: msg.id, threadId: msg.threadId, labelIds: [...msg.labelIds] };
    const record = { id: msg.historyId, message, ...change };
    this.history.push(record);
    if (this.history.length > this.retention) {
      const dropped = this.history.splice(0, this.history.length - this.retention);
      const last = dropped[dropped.length - 1];
      if (last) this.minValidHistoryId = Math.max(this.minValidHistoryId, last.id);
    }
    this.onChange?.(this, record);
  }
}
