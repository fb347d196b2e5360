// The few Gmail API calls sync needs, on the Google's per-API Gmail client (@googleapis/gmail) with its base URL
// configurable, each turning Google's errors into IntakeErrors via the pure classifier.
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import type { OAuth2Client } from 'google-auth-library';
import { IntakeError } from '../errors/intake-error.js';
import { classifyGoogleError } from './classify-google-error.js';
import { GMAIL_UNITS, type QuotaLimiter } from './quota-limiter.js';

export interface MessageRef {
  id: string;
  threadId: string | null;
}

export interface HistoryPage {
  added: MessageRef[];
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
  private readonly quota: QuotaLimiter;

  constructor(auth: OAuth2Client, rootUrl: string, timeoutMs: number, quota: QuotaLimiter) {
    this.api = gmail({ version: 'v1', auth, rootUrl });
    this.timeout = timeoutMs;
    this.quota = quota;
  }

  async profile(): Promise<{ emailAddress: string; historyId: string; messagesTotal: number }> {
    const res = await this.call(GMAIL_UNITS.getProfile, () => this.api.users.getProfile({ userId: 'me' }, this.options()));
    return {
      emailAddress: res.data.emailAddress ?? '',
      historyId: String(res.data.historyId ?? ''),
      messagesTotal: res.data.messagesTotal ?? 0,
    };
  }

  async listMessages(pageToken: string | null, pageSize: number): Promise<{ refs: MessageRef[]; nextPageToken: string | null }> {
    const res = await this.call(GMAIL_UNITS.messagesList, () =>
      this.api.users.messages.list({ userId: 'me', maxResults: pageSize, ...(pageToken ? { pageToken } : {}) }, this.options()),
    );
    return { refs: (res.data.messages ?? []).map(toRef), nextPageToken: res.data.nextPageToken ?? null };
  }

  /** Throws INTAKE_ERR_HISTORY_EXPIRED when Gmail no longer holds history from startHistoryId. */
  async listHistory(startHistoryId: string, pageToken: string | null, pageSize: number): Promise<HistoryPage> {
    try {
      const res = await this.call(GMAIL_UNITS.historyList, () =>
        this.api.users.history.list(
          { userId: 'me', startHistoryId, historyTypes: ['messageAdded'], maxResults: pageSize, ...(pageToken ? { pageToken } : {}) },
          this.options(),
        ),
      );
      const added = (res.data.history ?? []).flatMap((h) => (h.messagesAdded ?? []).map((a) => toRef(a.message ?? {})));
      return { added, historyId: String(res.data.historyId ?? startHistoryId), nextPageToken: res.data.nextPageToken ?? null };
    } catch (err) {
      if (err instanceof IntakeError && err.code === 'INTAKE_ERR_NOT_FOUND') {
        throw new IntakeError('INTAKE_ERR_HISTORY_EXPIRED', 'Gmail history expired for the stored cursor', false, { cause: err });
      }
      throw err;
    }
  }

  async getRaw(id: string): Promise<RawMessage> {
    try {
      const res = await this.call(GMAIL_UNITS.messagesGet, () =>
        this.api.users.messages.get({ userId: 'me', id, format: 'raw' }, this.options()),
      );
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
    await this.call(GMAIL_UNITS.messagesModify, () =>
      this.api.users.messages.modify({ userId: 'me', id, requestBody: { addLabelIds: labelIds } }, this.options()),
    );
  }

  async listLabels(): Promise<{ id: string; name: string }[]> {
    const res = await this.call(GMAIL_UNITS.labelsList, () => this.api.users.labels.list({ userId: 'me' }, this.options()));
    return (res.data.labels ?? []).map((l) => ({ id: l.id ?? '', name: l.name ?? '' }));
  }

  /** Gmail answers 409 when the name exists (another process made it first): the caller lists again. */
  async createLabel(name: string): Promise<{ id: string; name: string }> {
    const res = await this.call(GMAIL_UNITS.labelsCreate, () =>
      this.api.users.labels.create(
        { userId: 'me', requestBody: { name, labelListVisibility: 'labelShow', messageListVisibility: 'show' } },
        this.options(),
      ),
    );
    return { id: res.data.id ?? '', name: res.data.name ?? name };
  }

  /** At most 1,000 ids per call (Google's limit); only adds labels, never removes any. */
  async batchAddLabel(ids: string[], labelId: string): Promise<void> {
    await this.call(GMAIL_UNITS.messagesBatchModify, () =>
      this.api.users.messages.batchModify({ userId: 'me', requestBody: { ids, addLabelIds: [labelId] } }, this.options()),
    );
  }

  /** Our queue owns retries and backoff, so gaxios' own immediate retries are off. */
  private options(): { timeout: number; retry: false } {
    return { timeout: this.timeout, retry: false };
  }

  private async call<T>(units: number, fn: () => Promise<T>): Promise<T> {
    await this.quota.take(units);
    try {
      return await fn();
    } catch (err) {
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
