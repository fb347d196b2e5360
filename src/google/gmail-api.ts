// The few Gmail API calls sync needs, on the Google's per-API Gmail client (@googleapis/gmail) with its base URL
// configurable, each turning Google's errors into IntakeErrors via the pure classifier.
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import type { OAuth2Client } from 'google-auth-library';
import { IntakeError } from '../errors/intake-error.js';
import { classifyGoogleError, httpStatusOf } from './classify-google-error.js';
import type { GmailMethod } from './quota-costs.js';
import type { MailboxQuota } from './quota-limiter.js';

export interface MessageRef {
  id: string;
  threadId: string | null;
}

export interface HistoryEntry extends MessageRef {
  labelIds: string[];
  /** Labels the record added; null for messageAdded. */
  addedLabels: string[] | null;
}

export interface HistoryPage {
  changes: HistoryEntry[];
  historyId: string;
  nextPageToken: string | null;
}

export interface RawMessage {
  raw: Buffer;
  threadId: string | null;
  labelIds: string[];
  internalDate: number | null;
}

export class GmailApi {
  private readonly api: gmail_v1.Gmail;
  private readonly timeout: number;
  private readonly quota: MailboxQuota;

  constructor(auth: OAuth2Client, rootUrl: string, timeoutMs: number, quota: MailboxQuota) {
    this.api = gmail({ version: 'v1', auth, rootUrl });
    this.timeout = timeoutMs;
    this.quota = quota;
  }

  async profile(): Promise<{ emailAddress: string; historyId: string; messagesTotal: number }> {
    const res = await this.call('getProfile', () => this.api.users.getProfile({ userId: 'me' }, this.options()));
    return {
      emailAddress: res.data.emailAddress ?? '',
      historyId: String(res.data.historyId ?? ''),
      messagesTotal: res.data.messagesTotal ?? 0,
    };
  }

  async listMessages(
    pageToken: string | null,
    pageSize: number,
    q?: string | null,
  ): Promise<{ refs: MessageRef[]; nextPageToken: string | null; estimate: number }> {
    const res = await this.call('messages.list', () =>
      this.api.users.messages.list(
        { userId: 'me', maxResults: pageSize, ...(pageToken ? { pageToken } : {}), ...(q ? { q } : {}) },
        this.options(),
      ),
    );
    return {
      refs: (res.data.messages ?? []).map(toRef),
      nextPageToken: res.data.nextPageToken ?? null,
      estimate: res.data.resultSizeEstimate ?? 0,
    };
  }

  /** User labels by lower-cased name -> id (system labels are matched by their ids). */
  async labelIdsByName(): Promise<Map<string, string>> {
    const res = await this.call('labels.list', () => this.api.users.labels.list({ userId: 'me' }, this.options()));
    return new Map((res.data.labels ?? []).map((l) => [(l.name ?? '').toLowerCase(), l.id ?? '']));
  }

  /**
   * messageAdded and labelAdded records (mail moved into INBOX later counts too). Throws
   * INTAKE_ERR_HISTORY_EXPIRED when Gmail no longer holds history from startHistoryId:
   * on the 404 Google documents, and on the 400 it sometimes answers for a stale id.
   */
  async listHistory(startHistoryId: string, pageToken: string | null, pageSize: number): Promise<HistoryPage> {
    try {
      const res = await this.call('history.list', () =>
        this.api.users.history.list(
          {
            userId: 'me',
            startHistoryId,
            historyTypes: ['messageAdded', 'labelAdded'],
            maxResults: pageSize,
            ...(pageToken ? { pageToken } : {}),
          },
          this.options(),
        ),
      );
      const changes = (res.data.history ?? []).flatMap((h) => [
        ...(h.messagesAdded ?? []).map((a) => toEntry(a.message ?? {}, null)),
        ...(h.labelsAdded ?? []).map((a) => toEntry(a.message ?? {}, a.labelIds ?? [])),
      ]);
      return { changes, historyId: String(res.data.historyId ?? startHistoryId), nextPageToken: res.data.nextPageToken ?? null };
    } catch (err) {
      const staleId = err instanceof IntakeError && err.code === 'INTAKE_ERR_GOOGLE_REQUEST' && httpStatusOf(err.cause) === 400;
      if (staleId || (err instanceof IntakeError && err.code === 'INTAKE_ERR_NOT_FOUND')) {
        throw new IntakeError('INTAKE_ERR_HISTORY_EXPIRED', 'Gmail history expired for the stored cursor', false, { cause: err });
      }
      throw err;
    }
  }

  async getRaw(id: string): Promise<RawMessage> {
    try {
      const res = await this.call('messages.get', () => this.api.users.messages.get({ userId: 'me', id, format: 'raw' }, this.options()));
      return {
        raw: decodeShared(res.data.raw ?? ''),
        threadId: res.data.threadId ?? null,
        labelIds: res.data.labelIds ?? [],
        internalDate: res.data.internalDate ? Number(res.data.internalDate) : null,
      };
    } catch (err) {
      if (err instanceof IntakeError && err.code === 'INTAKE_ERR_NOT_FOUND') {
        throw new IntakeError('INTAKE_ERR_MESSAGE_GONE', 'message no longer exists in Gmail', false, { cause: err });
      }
      throw err;
    }
  }

  async addLabels(id: string, labelIds: string[]): Promise<void> {
    await this.call('messages.modify', () =>
      this.api.users.messages.modify({ userId: 'me', id, requestBody: { addLabelIds: labelIds } }, this.options()),
    );
  }

  async listLabels(): Promise<{ id: string; name: string }[]> {
    const res = await this.call('labels.list', () => this.api.users.labels.list({ userId: 'me' }, this.options()));
    return (res.data.labels ?? []).map((l) => ({ id: l.id ?? '', name: l.name ?? '' }));
  }

  /** Gmail answers 409 when the name exists (another process made it first): the caller lists again. */
  async createLabel(name: string): Promise<{ id: string; name: string }> {
    const res = await this.call('labels.create', () =>
      this.api.users.labels.create(
        { userId: 'me', requestBody: { name, labelListVisibility: 'labelShow', messageListVisibility: 'show' } },
        this.options(),
      ),
    );
    return { id: res.data.id ?? '', name: res.data.name ?? name };
  }

  /** At most 1,000 ids per call (Google's limit); only adds labels, never removes any. */
  async batchAddLabel(ids: string[], labelId: string): Promise<void> {
    await this.call('messages.batchModify', () =>
      this.api.users.messages.batchModify({ userId: 'me', requestBody: { ids, addLabelIds: [labelId] } }, this.options()),
    );
  }

  /**
   * users.watch: Gmail publishes the mailbox's changes to the Pub/Sub topic until the answered
   * expiration (epoch ms); calling it again renews (SPEC.md §3.7).
   */
  async watch(topicName: string): Promise<{ historyId: string; expiration: number }> {
    const res = await this.call('watch', () => this.api.users.watch({ userId: 'me', requestBody: { topicName } }, this.options()));
    return { historyId: String(res.data.historyId ?? ''), expiration: Number(res.data.expiration ?? 0) };
  }

  /** users.stop: no more notifications for this mailbox. */
  async stop(): Promise<void> {
    await this.call('stop', () => this.api.users.stop({ userId: 'me' }, this.options()));
  }

  /** Our queue owns retries and backoff, so gaxios' own immediate retries are off. */
  private options(): { timeout: number; retry: false } {
    return { timeout: this.timeout, retry: false };
  }

  /** Every call spends from the quota first and reports back, so the limiter can adapt. */
  private async call<T>(method: GmailMethod, fn: () => Promise<T>): Promise<T> {
    const release = await this.quota.acquire(method);
    try {
      const result = await fn();
      release(null);
      return result;
    } catch (err) {
      release(err);
      throw classifyGoogleError(err);
    }
  }
}

function toRef(m: { id?: string | null; threadId?: string | null }): MessageRef {
  return { id: m.id ?? '', threadId: m.threadId ?? null };
}

/**
 * The raw message decoded into shared memory: ingest's parser threads then read these bytes
 * where they are instead of receiving a copy (a 35 MB message would otherwise be held twice).
 */
function decodeShared(base64url: string): Buffer {
  const bytes = Buffer.from(new SharedArrayBuffer(Buffer.byteLength(base64url, 'base64url')));
  const written = bytes.write(base64url, 'base64url');
  return bytes.subarray(0, written);
}

function toEntry(
  m: { id?: string | null; threadId?: string | null; labelIds?: string[] | null },
  addedLabels: string[] | null,
): HistoryEntry {
  return { ...toRef(m), labelIds: m.labelIds ?? [], addedLabels };
}
