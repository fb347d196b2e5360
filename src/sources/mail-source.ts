// The MailSource contract: list what changed since a cursor, fetch one message's raw bytes.
// Sync and ingest only ever see this, so Gmail API and IMAP are interchangeable.

export interface SyncCursor {
  /** Incremental position (Gmail historyId); null until the first full sync finished. */
  historyId: string | null;
  /** Full-sync page in progress. */
  backfillPageToken: string | null;
  /** Where incremental sync starts once the full sync is done. */
  backfillHistoryId: string | null;
  /** The query the full sync in progress pages through (a page token belongs to one query). */
  backfillQuery?: string | null;
}

/** What a pass may list when it has to start a full sync (decided by sync/, from the store). */
export interface SyncPlan {
  /** First sync: 'none' lists nothing old; afterMs null lists everything, else mail since then. */
  first: 'none' | { afterMs: number | null };
  /** History expired: relist only from the last good sync (epoch ms), or everything when null. */
  resyncAfterMs: number | null;
}

export const LIST_EVERYTHING: SyncPlan = { first: { afterMs: null }, resyncAfterMs: null };

export interface MessageRef {
  id: string;
  threadId: string | null;
}

export interface ChangeBatch {
  refs: MessageRef[];
  cursor: SyncCursor;
  /** True while a full sync has more pages: call again with the new cursor. */
  more: boolean;
  phase: 'backfill' | 'incremental';
  /** Set when this call started a full sync (first connect or expired history). */
  startedBackfill?: { total: number; reason: 'first_sync' | 'history_expired' };
}

export interface FetchedMessage {
  raw: Buffer;
  threadId: string | null;
  labelIds: string[];
  internalDate: number | null;
}

export interface MailSource {
  listChanges(cursor: SyncCursor, plan?: SyncPlan): Promise<ChangeBatch>;
  fetchRaw(id: string): Promise<FetchedMessage>;
  /** Adds a label (created if missing) to imported messages; sources without labels leave it out. */
  labelMessages?(ids: string[], labelName: string): Promise<void>;
}

export const EMPTY_CURSOR: SyncCursor = { historyId: null, backfillPageToken: null, backfillHistoryId: null, backfillQuery: null };
