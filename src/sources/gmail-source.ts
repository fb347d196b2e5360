// Gmail API as a MailSource: a full messages.list sync on first connect and whenever
// history has expired, otherwise history.list from the stored historyId.
import { isIntakeError } from '../errors/intake-error.js';
import type { GmailApi } from '../google/gmail-api.js';
import type { ChangeBatch, FetchedMessage, MailSource, MessageRef, SyncCursor } from './mail-source.js';

export class GmailSource implements MailSource {
  private readonly api: GmailApi;
  private readonly pageSize: number;

  constructor(api: GmailApi, pageSize: number) {
    this.api = api;
    this.pageSize = pageSize;
  }

  async listChanges(cursor: SyncCursor): Promise<ChangeBatch> {
    if (cursor.historyId === null) {
      if (cursor.backfillHistoryId === null) return this.startBackfill('first_sync');
      return this.backfillPage(cursor);
    }
    try {
      return await this.incremental(cursor.historyId);
    } catch (err) {
      if (isIntakeError(err) && err.code === 'INTAKE_ERR_HISTORY_EXPIRED') return this.startBackfill('history_expired');
      throw err;
    }
  }

  fetchRaw(id: string): Promise<FetchedMessage> {
    return this.api.getRaw(id);
  }

  /** batchModify in chunks of 1,000; only ever adds the label (never deletes, archives or marks read). */
  async labelMessages(ids: string[], labelName: string): Promise<void> {
    const labelId = await this.labelIdFor(labelName);
    for (let i = 0; i < ids.length; i += 1000) await this.api.batchAddLabel(ids.slice(i, i + 1000), labelId);
  }

  private readonly labelIds = new Map<string, string>();

  private async labelIdFor(name: string): Promise<string> {
    const cached = this.labelIds.get(name);
    if (cached) return cached;
    const find = async () => (await this.api.listLabels()).find((l) => l.name.toLowerCase() === name.toLowerCase())?.id;
    let id = await find();
    if (!id) {
      try {
        id = (await this.api.createLabel(name)).id;
      } catch (err) {
        id = await find(); // 409: made meanwhile by another worker
        if (!id) throw err;
      }
    }
    this.labelIds.set(name, id);
    return id;
  }

  /**
   * The historyId is read BEFORE listing, so anything that arrives while the full sync
   * pages through the mailbox is picked up by history afterwards (ingest de-duplicates).
   */
  private async startBackfill(reason: 'first_sync' | 'history_expired'): Promise<ChangeBatch> {
    const profile = await this.api.profile();
    const batch = await this.backfillPage({ historyId: null, backfillPageToken: null, backfillHistoryId: profile.historyId });
    return { ...batch, startedBackfill: { total: profile.messagesTotal, reason } };
  }

  private async backfillPage(cursor: SyncCursor): Promise<ChangeBatch> {
    const page = await this.api.listMessages(cursor.backfillPageToken, this.pageSize);
    if (page.nextPageToken) {
      return { refs: page.refs, cursor: { ...cursor, backfillPageToken: page.nextPageToken }, more: true, phase: 'backfill' };
    }
    return {
      refs: page.refs,
      cursor: { historyId: cursor.backfillHistoryId, backfillPageToken: null, backfillHistoryId: null },
      more: false,
      phase: 'backfill',
    };
  }

  /** All pages are read before the cursor moves, so a crash mid-way re-reads, never skips. */
  private async incremental(startHistoryId: string): Promise<ChangeBatch> {
    const refs: MessageRef[] = [];
    const seen = new Set<string>();
    let pageToken: string | null = null;
    let historyId: string;
    do {
      const page = await this.api.listHistory(startHistoryId, pageToken, this.pageSize);
      for (const ref of page.added) {
        if (ref.id && !seen.has(ref.id)) {
          seen.add(ref.id);
          refs.push(ref);
        }
      }
      historyId = page.historyId;
      pageToken = page.nextPageToken;
    } while (pageToken);
    return { refs, cursor: { historyId, backfillPageToken: null, backfillHistoryId: null }, more: false, phase: 'incremental' };
  }
}
