// Gmail API as a MailSource: a full sync (messages.list over the chosen window and labels)
// on first connect and, when history has expired, only from the last good sync; otherwise
// history.list (messageAdded and labelAdded) from the stored historyId.
import { isIntakeError } from '../errors/intake-error.js';
import type { GmailApi } from '../google/gmail-api.js';
import { entersScope, listQuery, needsLabelLookup, wantedLabelIds, type FetchScope } from './gmail-scope.js';
import {
  LIST_EVERYTHING,
  type ChangeBatch,
  type FetchedMessage,
  type MailSource,
  type MessageRef,
  type SyncCursor,
  type SyncPlan,
} from './mail-source.js';

export const INBOX_ONLY: FetchScope = { labels: ['INBOX'], spam: 'skip' };

type Reason = 'first_sync' | 'history_expired';

export class GmailSource implements MailSource {
  private readonly api: GmailApi;
  private readonly pageSize: number;
  private readonly scope: FetchScope;
  private wanted: Set<string> | undefined;

  constructor(api: GmailApi, pageSize: number, scope: FetchScope = INBOX_ONLY) {
    this.api = api;
    this.pageSize = pageSize;
    this.scope = scope;
  }

  async listChanges(cursor: SyncCursor, plan: SyncPlan = LIST_EVERYTHING): Promise<ChangeBatch> {
    if (cursor.historyId === null) {
      if (cursor.backfillHistoryId === null) return this.startBackfill('first_sync', plan.first);
      return this.backfillPage(cursor);
    }
    try {
      return await this.incremental(cursor.historyId);
    } catch (err) {
      if (isIntakeError(err) && err.code === 'INTAKE_ERR_HISTORY_EXPIRED') {
        return this.startBackfill('history_expired', { afterMs: plan.resyncAfterMs });
      }
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
  private async startBackfill(reason: Reason, window: SyncPlan['first']): Promise<ChangeBatch> {
    const profile = await this.api.profile();
    if (window === 'none') {
      const cursor = { historyId: profile.historyId, backfillPageToken: null, backfillHistoryId: null, backfillQuery: null };
      return { refs: [], cursor, more: false, phase: 'backfill', startedBackfill: { total: 0, reason } };
    }
    const q = listQuery(this.scope, window.afterMs);
    const start = { historyId: null, backfillPageToken: null, backfillHistoryId: profile.historyId, backfillQuery: q };
    const { batch, estimate } = await this.listPage(start);
    return { ...batch, startedBackfill: { total: estimate, reason } };
  }

  private async backfillPage(cursor: SyncCursor): Promise<ChangeBatch> {
    return (await this.listPage(cursor)).batch;
  }

  private async listPage(cursor: SyncCursor): Promise<{ batch: ChangeBatch; estimate: number }> {
    // A cursor saved before queries existed pages through INBOX, as the query would.
    const q = cursor.backfillQuery ?? listQuery(this.scope, null);
    const page = await this.api.listMessages(cursor.backfillPageToken, this.pageSize, q);
    if (page.nextPageToken) {
      const next = { ...cursor, backfillQuery: q, backfillPageToken: page.nextPageToken };
      return { batch: { refs: page.refs, cursor: next, more: true, phase: 'backfill' }, estimate: page.estimate };
    }
    const done = { historyId: cursor.backfillHistoryId, backfillPageToken: null, backfillHistoryId: null, backfillQuery: null };
    return { batch: { refs: page.refs, cursor: done, more: false, phase: 'backfill' }, estimate: page.estimate };
  }

  /** All pages are read before the cursor moves, so a crash mid-way re-reads, never skips. */
  private async incremental(startHistoryId: string): Promise<ChangeBatch> {
    const wanted = await this.wantedIds();
    const refs: MessageRef[] = [];
    const seen = new Set<string>();
    let pageToken: string | null = null;
    let historyId: string;
    do {
      const page = await this.api.listHistory(startHistoryId, pageToken, this.pageSize);
      for (const change of page.changes) {
        if (change.id && !seen.has(change.id) && entersScope(change, wanted, this.scope.spam)) {
          seen.add(change.id);
          refs.push({ id: change.id, threadId: change.threadId });
        }
      }
      historyId = page.historyId;
      pageToken = page.nextPageToken;
    } while (pageToken);
    const cursor = { historyId, backfillPageToken: null, backfillHistoryId: null, backfillQuery: null };
    return { refs, cursor, more: false, phase: 'incremental' };
  }

  private async wantedIds(): Promise<Set<string>> {
    if (!this.wanted) {
      const ids = needsLabelLookup(this.scope) ? await this.api.labelIdsByName() : new Map<string, string>();
      this.wanted = wantedLabelIds(this.scope, ids);
    }
    return this.wanted;
  }
}
