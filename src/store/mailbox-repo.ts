// Mailboxes and their sync cursor: the only OAuth data Intake keeps (address, sealed
// refresh token, granted scopes, timestamps, cursor).
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';
import { eventsOf, type EventType } from './event-repo.js';

/** Mailbox events carry the id and state, never the address (it may be erased later). */
function mailboxEvent(db: Db, type: EventType, id: number, state: string, reason: string | null): void {
  eventsOf(db).record(type, {}, { mailbox: { id, state, reason } });
}

export type MailboxState = 'backfilling' | 'syncing' | 'needs_reconsent' | 'error' | 'disconnected';
export type MailboxSource = 'gmail' | 'imap';

export interface Mailbox {
  id: number;
  email: string;
  source: MailboxSource;
  state: MailboxState;
  stateReason: string | null;
  refreshTokenCipher: string | null;
  scopes: string[];
  createdAt: number;
  updatedAt: number;
}

/** Where a password-signed IMAP mailbox is read (store/migrations/013); the password is sealed in the mailbox row. */
export interface ImapAccount {
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'plain';
  username: string;
  folder: string;
}

export interface SyncState {
  mailboxId: number;
  historyId: string | null;
  backfillPageToken: string | null;
  backfillHistoryId: string | null;
  backfillDone: number;
  backfillTotal: number;
  lastSuccessAt: number | null;
  lastAttemptAt: number | null;
  lastErrorCode: string | null;
  consecutiveFailures: number;
  /** 'all' | 'none' | 'days:N'; null on mailboxes connected before the choice existed (all). */
  backfillChoice: string | null;
  /** When the choice was made (epoch ms): 'days:N' counts back from here. */
  backfillChosenAt: number | null;
  awaitingConfirm: boolean;
  backfillQuery: string | null;
  backfillStartedAt: number | null;
  backfillImported: number;
  /** Why the last full sync ran: 'first_sync' or 'history_expired'. */
  backfillReason: string | null;
}

interface MailboxRow {
  id: number;
  email: string;
  source: MailboxSource;
  state: MailboxState;
  state_reason: string | null;
  refresh_token_cipher: string | null;
  scopes: string;
  created_at: number;
  updated_at: number;
}

const toMailbox = (r: MailboxRow): Mailbox => ({
  id: r.id,
  email: r.email,
  source: r.source,
  state: r.state,
  stateReason: r.state_reason,
  refreshTokenCipher: r.refresh_token_cipher,
  scopes: r.scopes.split(' ').filter(Boolean),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** How long backfill counts wait in memory before they are written (countImported). */
const IMPORTED_FLUSH_MS = 250;

export class MailboxRepo {
  private readonly db: Db;
  private readonly byId;
  private readonly byEmail;
  private readonly all;
  private readonly syncById;
  private readonly imapById;
  readonly #countImported: Statement<[number, number]>;
  /** Backfill messages through ingest not yet added to sync_state (see countImported). */
  readonly #importedPending = new Map<number, number>();
  #importedFlush: NodeJS.Timeout | undefined;

  constructor(db: Db) {
    this.db = db;
    this.byId = db.prepare<[number], MailboxRow>('SELECT * FROM mailboxes WHERE id = ?');
    this.byEmail = db.prepare<[string], MailboxRow>('SELECT * FROM mailboxes WHERE email = ?');
    this.all = db.prepare<[], MailboxRow>('SELECT * FROM mailboxes ORDER BY id');
    this.#countImported = db.prepare('UPDATE sync_state SET backfill_imported = backfill_imported + ? WHERE mailbox_id = ?');
    this.syncById = db.prepare<[number], Record<string, unknown>>('SELECT * FROM sync_state WHERE mailbox_id = ?');
    this.imapById = db.prepare<[number], ImapAccount>(
      'SELECT host, port, security, username, folder FROM imap_accounts WHERE mailbox_id = ?',
    );
  }

  get(id: number): Mailbox | undefined {
    const row = this.byId.get(id);
    return row && toMailbox(row);
  }

  findByEmail(email: string): Mailbox | undefined {
    const row = this.byEmail.get(email);
    return row && toMailbox(row);
  }

  list(): Mailbox[] {
    return this.all.all().map(toMailbox);
  }

  /** Mailboxes whose row changed at or after `sinceMs` (connected, reconnected, state moved). */
  changedSince(sinceMs: number): Mailbox[] {
    return this.db.prepare<[number], MailboxRow>('SELECT * FROM mailboxes WHERE updated_at >= ? ORDER BY id').all(sinceMs).map(toMailbox);
  }

  /** The server of a mailbox that signs in to IMAP with a password; undefined for an OAuth grant. */
  imapAccount(id: number): ImapAccount | undefined {
    return this.imapById.get(id);
  }

  /**
   * Reconnecting an address updates its row (new token, scopes, state) and keeps its
   * cursor, so sync resumes where it stopped and nothing is fetched twice.
   */
  upsertConnected(input: {
    email: string;
    source: MailboxSource;
    /** The sealed refresh token, or the sealed IMAP password when `imap` is given. */
    refreshTokenCipher: string;
    scopes: string[];
    /** A password-signed IMAP mailbox's server; without it the grant is OAuth and any old server row goes. */
    imap?: ImapAccount;
  }): {
    mailbox: Mailbox;
    created: boolean;
  } {
    return this.db.transaction(() => {
      const result = this.upsertRow(input);
      this.setImapAccount(result.mailbox.id, input.imap);
      return result;
    })();
  }

  private setImapAccount(id: number, account: ImapAccount | undefined): void {
    this.db.prepare('DELETE FROM imap_accounts WHERE mailbox_id = ?').run(id);
    if (!account) return;
    this.db
      .prepare('INSERT INTO imap_accounts (mailbox_id, host, port, security, username, folder) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, account.host, account.port, account.security, account.username, account.folder);
  }

  private upsertRow(input: { email: string; source: MailboxSource; refreshTokenCipher: string; scopes: string[] }): {
    mailbox: Mailbox;
    created: boolean;
  } {
    const now = Date.now();
    const existing = this.findByEmail(input.email);
    if (existing) {
      const state: MailboxState = existing.state === 'backfilling' ? 'backfilling' : 'syncing';
      this.db
        .prepare(
          'UPDATE mailboxes SET source = ?, refresh_token_cipher = ?, scopes = ?, state = ?, state_reason = NULL, updated_at = ? WHERE id = ?',
        )
        .run(input.source, input.refreshTokenCipher, input.scopes.join(' '), state, now, existing.id);
      return { mailbox: this.get(existing.id) as Mailbox, created: false };
    }
    const info = this.db
      .prepare(
        'INSERT INTO mailboxes (email, source, state, refresh_token_cipher, scopes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(input.email, input.source, 'backfilling', input.refreshTokenCipher, input.scopes.join(' '), now, now);
    const id = Number(info.lastInsertRowid);
    this.db.prepare('INSERT INTO sync_state (mailbox_id) VALUES (?)').run(id);
    return { mailbox: this.get(id) as Mailbox, created: true };
  }

  setState(id: number, state: MailboxState, reason: string | null = null): void {
    this.db.transaction(() => {
      const prior = this.db.prepare<[number], { state: string }>('SELECT state FROM mailboxes WHERE id = ?').get(id)?.state;
      this.db.prepare('UPDATE mailboxes SET state = ?, state_reason = ?, updated_at = ? WHERE id = ?').run(state, reason, Date.now(), id);
      // The event reports the change, once: a mailbox already waiting for re-consent stays quiet.
      if (prior !== undefined && prior !== state && state === 'needs_reconsent')
        mailboxEvent(this.db, 'mailbox.needs_reconsent', id, state, reason);
    })();
  }

  /**
   * Pauses the mailbox for re-consent only while it still holds the grant that failed: a
   * job that ran on the old token must not pause a mailbox an admin has just reconnected.
   */
  markNeedsReconsent(id: number, failedCipher: string | null, reason: string): boolean {
    return (
      this.db
        .prepare(
          "UPDATE mailboxes SET state = 'needs_reconsent', state_reason = ?, updated_at = ? WHERE id = ? AND refresh_token_cipher IS ? AND state <> 'disconnected'",
        )
        .run(reason, Date.now(), id, failedCipher).changes === 1
    );
  }

  setRefreshTokenCipher(id: number, cipher: string): void {
    this.db.prepare('UPDATE mailboxes SET refresh_token_cipher = ?, updated_at = ? WHERE id = ?').run(cipher, Date.now(), id);
  }

  /** Keeps the address (its tickets stay) but nothing of the grant (token or IMAP server and password) and no cursor. */
  markDisconnected(id: number): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          "UPDATE mailboxes SET state = 'disconnected', state_reason = NULL, refresh_token_cipher = NULL, scopes = '', updated_at = ? WHERE id = ?",
        )
        .run(Date.now(), id);
      this.setImapAccount(id, undefined);
      this.db
        .prepare('UPDATE sync_state SET history_id = NULL, backfill_page_token = NULL, backfill_history_id = NULL WHERE mailbox_id = ?')
        .run(id);
      mailboxEvent(this.db, 'mailbox.disconnected', id, 'disconnected', null);
    })();
  }

  /** Deletes the mailbox with everything that cascades from it; the event names only its id. */
  delete(id: number): boolean {
    return this.db.transaction(() => {
      const deleted = this.db.prepare('DELETE FROM mailboxes WHERE id = ?').run(id).changes > 0;
      if (deleted) mailboxEvent(this.db, 'mailbox.disconnected', id, 'deleted', null);
      return deleted;
    })();
  }

  syncState(id: number): SyncState | undefined {
    this.flushImported();
    const r = this.syncById.get(id);
    if (!r) return undefined;
    return {
      mailboxId: r.mailbox_id as number,
      historyId: r.history_id as string | null,
      backfillPageToken: r.backfill_page_token as string | null,
      backfillHistoryId: r.backfill_history_id as string | null,
      backfillDone: r.backfill_done as number,
      backfillTotal: r.backfill_total as number,
      lastSuccessAt: r.last_success_at as number | null,
      lastAttemptAt: r.last_attempt_at as number | null,
      lastErrorCode: r.last_error_code as string | null,
      consecutiveFailures: r.consecutive_failures as number,
      backfillChoice: (r.backfill_choice as string | null) ?? null,
      backfillChosenAt: (r.backfill_chosen_at as number | null) ?? null,
      awaitingConfirm: r.awaiting_confirm === 1,
      backfillQuery: (r.backfill_query as string | null) ?? null,
      backfillStartedAt: (r.backfill_started_at as number | null) ?? null,
      backfillImported: (r.backfill_imported as number | undefined) ?? 0,
      backfillReason: (r.backfill_reason as string | null) ?? null,
    };
  }

  /**
   * `backfillAdded`: backfill messages listed by this page; `backfillLanded`: those of them
   * that had already landed and were not queued (they count as imported at once).
   */
  saveCursor(
    id: number,
    cursor: Pick<SyncState, 'historyId' | 'backfillPageToken' | 'backfillHistoryId'> & { backfillQuery?: string | null },
    backfillAdded = 0,
    backfillLanded = 0,
  ): void {
    this.db
      .prepare(
        `UPDATE sync_state SET history_id = ?, backfill_page_token = ?, backfill_history_id = ?, backfill_query = ?,
         backfill_done = backfill_done + ?, backfill_imported = backfill_imported + ? WHERE mailbox_id = ?`,
      )
      .run(
        cursor.historyId,
        cursor.backfillPageToken,
        cursor.backfillHistoryId,
        cursor.backfillQuery ?? null,
        backfillAdded,
        backfillLanded,
        id,
      );
  }

  startBackfill(id: number, historyId: string, total: number, resync = false): void {
    // Counts of the sync before land first, so the reset below is not undone by them.
    this.flushImported();
    this.db
      .prepare(
        `UPDATE sync_state SET history_id = NULL, backfill_page_token = NULL, backfill_history_id = ?, backfill_done = 0,
         backfill_total = ?, backfill_imported = 0, backfill_started_at = ?, resyncs = resyncs + ?, backfill_reason = ? WHERE mailbox_id = ?`,
      )
      .run(historyId, total, Date.now(), resync ? 1 : 0, resync ? 'history_expired' : 'first_sync', id);
  }

  /** The admin's backfill choice; `awaiting` holds the first sync until it is confirmed. */
  setBackfillChoice(id: number, choice: string, awaiting: boolean, chosenAt = Date.now()): void {
    this.db
      .prepare('UPDATE sync_state SET backfill_choice = ?, backfill_chosen_at = ?, awaiting_confirm = ? WHERE mailbox_id = ?')
      .run(choice, chosenAt, awaiting ? 1 : 0, id);
  }

  /**
   * One backfill message is through ingest (ticket, quarantine, skip or duplicate). Counted in
   * memory and written at most every IMPORTED_FLUSH_MS: an UPDATE and its commit per message
   * cost the ingest thread ~5% of an IMAP import. Reads through this repo flush first, so they
   * are exact; another process sees the count that late, and a crash forgets at most that
   * much progress (the counter only feeds the progress shown to admins).
   */
  countImported(id: number): void {
    this.#importedPending.set(id, (this.#importedPending.get(id) ?? 0) + 1);
    if (!this.#importedFlush) {
      this.#importedFlush = setTimeout(() => this.#flushSoon(), IMPORTED_FLUSH_MS);
      this.#importedFlush.unref();
    }
  }

  /** Writes the pending backfill counts; also when the daemon stops. */
  flushImported(): void {
    clearTimeout(this.#importedFlush);
    this.#importedFlush = undefined;
    if (this.#importedPending.size === 0 || !this.db.open) return;
    const update = this.#countImported;
    this.db.transaction(() => {
      for (const [id, n] of this.#importedPending) update.run(n, id);
    })();
    this.#importedPending.clear();
  }

  #flushSoon(): void {
    try {
      this.flushImported();
    } catch {
      // The store is busy or failing (ingest notices that itself): the counts stay pending and are tried again.
      this.#importedFlush = setTimeout(() => this.#flushSoon(), IMPORTED_FLUSH_MS);
      this.#importedFlush.unref();
    }
  }

  recordSuccess(id: number): void {
    const now = Date.now();
    this.db
      .prepare(
        'UPDATE sync_state SET last_success_at = ?, last_attempt_at = ?, last_error_code = NULL, consecutive_failures = 0 WHERE mailbox_id = ?',
      )
      .run(now, now, id);
  }

  recordFailure(id: number, code: string): void {
    this.db
      .prepare(
        'UPDATE sync_state SET last_attempt_at = ?, last_error_code = ?, consecutive_failures = consecutive_failures + 1 WHERE mailbox_id = ?',
      )
      .run(Date.now(), code, id);
  }
}
