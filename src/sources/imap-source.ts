// IMAP as a MailSource (RFC 9051 / 3501 over imapflow), for Gmail's IMAP with XOAUTH2 and for
// any server with a password. The cursor slots that hold Gmail's historyId and page token hold
// IMAP positions instead, as `imap:<UIDVALIDITY>:<UID>` strings, so sync, the store and the
// scheduler need not know which source a mailbox uses:
//   historyId          last UID handed to ingest (incremental: UIDs above it are new);
//   backfillPageToken  the next UID the full sync lists from;
//   backfillHistoryId  the last UID that existed when the full sync started (where incremental
//                      takes over).
// A changed UIDVALIDITY means the server renumbered the folder: a full sync starts again
// (reason history_expired), as Gmail's expired history does.
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { IntakeError } from '../errors/intake-error.js';
import {
  LIST_EVERYTHING,
  type ChangeBatch,
  type FetchedMessage,
  type MailSource,
  type MessageRef,
  type SyncCursor,
  type SyncPlan,
} from './mail-source.js';

export interface ImapEndpoint {
  host: string;
  port: number;
  /**
   * tls: TLS from the first byte (993). starttls: STARTTLS is required before the login (143);
   * a server that does not offer it is refused, so a stripped capability cannot downgrade it.
   * plain: no TLS at all, for a server on loopback or a trusted network only.
   */
  security: 'tls' | 'starttls' | 'plain';
  /** Only for test servers with self-signed certificates. */
  allowSelfSigned?: boolean;
}

/** What a connection logs in with: an OAuth access token (XOAUTH2 / OAUTHBEARER) or a password. */
export type ImapLogin = { user: string; accessToken: string } | { user: string; pass: string };

export interface ImapSourceOptions {
  endpoint: ImapEndpoint;
  /** Called for every new connection, so an access token is fresh when it is used. */
  login: () => Promise<ImapLogin>;
  /** The folder to read; Gmail's INBOX, or any folder name. */
  folder: string;
  pageSize: number;
  timeoutMs: number;
}

/** `uidValidity:uid`, the provider message id of an IMAP message. */
export function imapMessageId(uidValidity: string, uid: number): string {
  return `${uidValidity}:${uid}`;
}

interface Position {
  uidValidity: string;
  uid: number;
}

const PREFIX = 'imap:';

function encode(p: Position): string {
  return `${PREFIX}${p.uidValidity}:${p.uid}`;
}

function decode(value: string | null): Position | null {
  if (value === null || !value.startsWith(PREFIX)) return null;
  const [uidValidity, uid] = value.slice(PREFIX.length).split(':');
  const n = Number(uid);
  return uidValidity && Number.isSafeInteger(n) && n >= 0 ? { uidValidity, uid: n } : null;
}

const SINCE = 'imap-since:';

function sinceOf(query: string | null): number | null {
  if (!query?.startsWith(SINCE)) return null;
  const ms = Number(query.slice(SINCE.length));
  return Number.isSafeInteger(ms) ? ms : null;
}

/** IMAP flags as the Gmail-style labels the skip rules read (a draft is never a ticket). */
function labelsOf(flags: Set<string> | undefined, folder: string): string[] {
  const labels = folder.toUpperCase() === 'INBOX' ? ['INBOX'] : [];
  if (flags?.has('\\Draft')) labels.push('DRAFT');
  if (flags?.has('\\Seen') === false) labels.push('UNREAD');
  return labels;
}

/** A fetchRaw call waiting for its FETCH. */
interface WantedMessage {
  uidValidity: string;
  uid: number;
  resolve: (m: FetchedMessage) => void;
  reject: (err: Error) => void;
}

function goneReason(want: WantedMessage, uidValidity: string): string {
  return want.uidValidity === uidValidity
    ? 'the message was expunged before it could be fetched'
    : 'the folder was renumbered (UIDVALIDITY changed)';
}

/** Messages one FETCH asks for at most; the queue's concurrency keeps batches smaller than this. */
const MAX_FETCH_BATCH = 32;

export class ImapSource implements MailSource {
  readonly #options: ImapSourceOptions;
  #client: ImapFlow | null = null;
  #connecting: Promise<ImapFlow> | null = null;
  readonly #wanted: WantedMessage[] = [];
  #fetching: Promise<void> | null = null;
  /**
   * What the last incremental UID SEARCH on this connection saw: the highest UID it listed and
   * whether the server has announced mail (EXISTS) since. A poll whose cursor is at that UID
   * and that has heard of no new mail ends after its NOOP, without the SEARCH: a quiet
   * mailbox costs one round trip. A new connection, or the folder selected again (its SELECT
   * reports what arrived meanwhile without an EXISTS event), knows nothing and searches.
   */
  #searched: { mailbox: object; uidValidity: string; uid: number; newMail: boolean } | null = null;

  constructor(options: ImapSourceOptions) {
    this.#options = options;
  }

  async listChanges(cursor: SyncCursor, plan: SyncPlan = LIST_EVERYTHING): Promise<ChangeBatch> {
    return this.#withFolder(async (client, uidValidity, lastUid) => {
      const incremental = decode(cursor.historyId);
      const pending = decode(cursor.backfillHistoryId);
      const renumbered = [incremental, pending].some((p) => p !== null && p.uidValidity !== uidValidity);
      // Renumbered: relist from the last good sync (dedupe by Message-ID catches what was read).
      if (renumbered) return this.#startBackfill(client, uidValidity, lastUid, 'history_expired', plan.resyncAfterMs);
      if (incremental) return this.#incremental(client, incremental, uidValidity);
      if (pending) {
        const from = decode(cursor.backfillPageToken) ?? { uidValidity, uid: 1 };
        return this.#backfillPage(client, from, pending, sinceOf(cursor.backfillQuery ?? null));
      }
      if (plan.first === 'none') {
        // Only new mail: incremental starts above the last UID that exists now.
        const start = { historyId: encode({ uidValidity, uid: lastUid }), backfillPageToken: null, backfillHistoryId: null };
        return { refs: [], cursor: start, more: false, phase: 'backfill', startedBackfill: { total: 0, reason: 'first_sync' } };
      }
      return this.#startBackfill(client, uidValidity, lastUid, 'first_sync', plan.first.afterMs);
    });
  }

  /** Signs in and opens the folder: what an admin adding the mailbox learns before it is stored. */
  async check(): Promise<{ messages: number }> {
    return this.#withFolder(async (client) => ({ messages: client.mailbox ? client.mailbox.exists : 0 }));
  }

  /**
   * One message's bytes. Calls that arrive while a FETCH is on the wire wait for the next one,
   * which fetches all of them in one command: the queue runs several ingest jobs of a mailbox
   * at once, and one round trip (and folder lock) per message was most of an IMAP import's time.
   */
  fetchRaw(id: string): Promise<FetchedMessage> {
    const [uidValidity, uidText] = id.split(':');
    const uid = Number(uidText);
    if (!uidValidity || !Number.isSafeInteger(uid) || uid < 1)
      return Promise.reject(new IntakeError('INTAKE_ERR_MESSAGE_GONE', 'not an IMAP message id'));
    return new Promise((resolve, reject) => {
      this.#wanted.push({ uidValidity, uid, resolve, reject });
      if (!this.#fetching) this.#fetching = this.#fetchWanted().finally(() => (this.#fetching = null));
    });
  }

  /** Serves the waiting fetchRaw calls, a batch per command, until none is left. */
  async #fetchWanted(): Promise<void> {
    while (this.#wanted.length > 0) {
      const batch = this.#wanted.splice(0, MAX_FETCH_BATCH);
      try {
        const { found, uidValidity } = await this.#fetchBatch(batch);
        for (const want of batch) {
          const message = want.uidValidity === uidValidity ? found.get(want.uid) : undefined;
          if (message) want.resolve(message);
          else want.reject(new IntakeError('INTAKE_ERR_MESSAGE_GONE', goneReason(want, uidValidity)));
        }
      } catch (err) {
        for (const want of batch) want.reject(err as Error);
      }
    }
  }

  async #fetchBatch(batch: readonly WantedMessage[]): Promise<{ found: Map<number, FetchedMessage>; uidValidity: string }> {
    return this.#withFolder(async (client, current) => {
      const found = new Map<number, FetchedMessage>();
      // Another UIDVALIDITY: the UID now names another message, or none.
      const uids = batch.filter((w) => w.uidValidity === current).map((w) => w.uid);
      if (uids.length === 0) return { found, uidValidity: current };
      const query = { uid: true, source: true, flags: true, internalDate: true, threadId: true } as const;
      for await (const message of client.fetch([...new Set(uids)].join(','), query, { uid: true })) {
        if (!message.source) continue;
        const date = message.internalDate ? new Date(message.internalDate).getTime() : null;
        found.set(message.uid, {
          raw: message.source,
          threadId: message.threadId ?? null,
          labelIds: labelsOf(message.flags, this.#options.folder),
          internalDate: Number.isFinite(date) ? date : null,
        });
      }
      return { found, uidValidity: current };
    });
  }

  /** Logs out; the next call connects again. */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    if (client?.usable) await client.logout().catch(() => undefined);
    else client?.close();
  }

  async #startBackfill(
    client: ImapFlow,
    uidValidity: string,
    lastUid: number,
    reason: 'first_sync' | 'history_expired',
    afterMs: number | null,
  ): Promise<ChangeBatch> {
    const end = { uidValidity, uid: lastUid };
    const uids = lastUid < 1 ? [] : await this.#uids(client, 1, lastUid, afterMs);
    const first = await this.#backfillPage(client, { uidValidity, uid: 1 }, end, afterMs, uids);
    return { ...first, startedBackfill: { total: uids.length, reason } };
  }

  /** One page of the full sync, oldest first: UIDs from `from` up to the end the sync started with. */
  async #backfillPage(client: ImapFlow, from: Position, end: Position, afterMs: number | null, known?: number[]): Promise<ChangeBatch> {
    const all = known ?? (from.uid > end.uid ? [] : await this.#uids(client, from.uid, end.uid, afterMs));
    const uids = all.slice(0, this.#options.pageSize);
    const refs = this.#refs(end.uidValidity, uids);
    const last = uids[uids.length - 1];
    if (last === undefined || all.length === uids.length)
      return { refs, cursor: { historyId: encode(end), backfillPageToken: null, backfillHistoryId: null }, more: false, phase: 'backfill' };
    return {
      refs,
      cursor: {
        historyId: null,
        backfillPageToken: encode({ uidValidity: end.uidValidity, uid: last + 1 }),
        backfillHistoryId: encode(end),
        // The window the full sync lists (days:N, or a resync from the last good sync) holds for every page.
        backfillQuery: afterMs === null ? null : `${SINCE}${afterMs}`,
      },
      more: true,
      phase: 'backfill',
    };
  }

  async #incremental(client: ImapFlow, since: Position, uidValidity: string): Promise<ChangeBatch> {
    // NOOP first: a folder selected earlier on this connection learns of new mail only at a
    // command boundary. `n:*` always matches the highest UID even when it is below n, hence the filter.
    await client.noop();
    const cursor = { historyId: encode(since), backfillPageToken: null, backfillHistoryId: null };
    const searched = this.#searched;
    const mailbox = client.mailbox || null;
    const quiet = searched !== null && searched.mailbox === mailbox && searched.uidValidity === uidValidity && !searched.newMail;
    if (quiet && since.uid >= searched.uid) return { refs: [], cursor, more: false, phase: 'incremental' };
    // Set before the SEARCH: an EXISTS that arrives while it runs makes the next poll search too.
    const current = mailbox ? { mailbox, uidValidity, uid: since.uid, newMail: false } : null;
    this.#searched = current;
    const uids = (await this.#uids(client, since.uid + 1, '*')).filter((uid) => uid > since.uid);
    const page = uids.slice(0, this.#options.pageSize);
    const last = page[page.length - 1] ?? since.uid;
    if (current) current.uid = uids[uids.length - 1] ?? since.uid;
    return {
      refs: this.#refs(since.uidValidity, page),
      cursor: { ...cursor, historyId: encode({ uidValidity: since.uidValidity, uid: last }) },
      more: uids.length > page.length,
      phase: 'incremental',
    };
  }

  /**
   * UIDs in a range; with `afterMs`, only mail whose INTERNALDATE falls on or after that day
   * (IMAP SINCE has day granularity, so a little more is listed: dedupe drops the extra).
   */
  async #uids(client: ImapFlow, from: number, to: number | '*', afterMs: number | null = null): Promise<number[]> {
    const query = afterMs === null ? { uid: `${from}:${to}` } : { uid: `${from}:${to}`, since: new Date(afterMs) };
    const found = await client.search(query, { uid: true });
    return (found || []).sort((a, b) => a - b);
  }

  #refs(uidValidity: string, uids: number[]): MessageRef[] {
    return uids.map((uid) => ({ id: imapMessageId(uidValidity, uid), threadId: null }));
  }

  /** Runs `work` with the folder selected (read-only: Intake never changes a flag). */
  async #withFolder<T>(work: (client: ImapFlow, uidValidity: string, lastUid: number) => Promise<T>): Promise<T> {
    const client = await this.#connected();
    let lock: { release: () => void } | null = null;
    try {
      lock = await client.getMailboxLock(this.#options.folder, { readOnly: true });
      const folder = client.mailbox;
      if (!folder) throw new IntakeError('INTAKE_ERR_IMAP_UNAVAILABLE', `IMAP folder ${this.#options.folder} could not be opened`, true);
      return await work(client, folder.uidValidity.toString(), folder.uidNext - 1);
    } catch (err) {
      if (err instanceof IntakeError) throw err;
      // A failed command leaves the connection in doubt: the next call starts a fresh one.
      client.close();
      throw classifyImapError(err);
    } finally {
      lock?.release();
    }
  }

  async #connected(): Promise<ImapFlow> {
    if (this.#client?.usable) return this.#client;
    this.#connecting ??= this.#connect().finally(() => (this.#connecting = null));
    return this.#connecting;
  }

  async #connect(): Promise<ImapFlow> {
    const { endpoint, timeoutMs } = this.#options;
    const client = new ImapFlow(clientOptions(endpoint, await this.#options.login(), timeoutMs));
    // A dropped connection is noticed by `usable`; the next call reconnects.
    client.on('error', () => undefined);
    // New mail announced on this connection (at any command: NOOP, FETCH, SEARCH).
    client.on('exists', () => {
      if (this.#client === client && this.#searched) this.#searched.newMail = true;
    });
    this.#searched = null;
    try {
      await client.connect();
    } catch (err) {
      client.close();
      throw classifyImapError(err);
    }
    this.#client = client;
    return client;
  }
}

export function clientOptions(endpoint: ImapEndpoint, login: ImapLogin, timeoutMs: number): ImapFlowOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.security === 'tls',
    ...(endpoint.security === 'tls' ? {} : { doSTARTTLS: endpoint.security === 'starttls' }),
    auth: 'accessToken' in login ? { user: login.user, accessToken: login.accessToken } : { user: login.user, pass: login.pass },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: Math.max(timeoutMs, 60_000),
    ...(endpoint.allowSelfSigned ? { tls: { rejectUnauthorized: false } } : {}),
  };
}

/** The cause a refused IMAP login carries, so the pause names it (not a Google reason). */
export const IMAP_LOGIN_REFUSED = Object.freeze({ reason: 'imap_login_refused' as const });

/** A refused login pauses the mailbox like invalid_grant; anything else is retried with backoff. */
export function classifyImapError(err: unknown): IntakeError {
  const e = err as { authenticationFailed?: boolean; tlsFailed?: boolean; mailboxMissing?: boolean; code?: string; message?: string };
  if (e?.mailboxMissing) {
    return new IntakeError(
      'INTAKE_ERR_IMAP_UNAVAILABLE',
      'the IMAP folder could not be opened: the server has no folder of that name',
      true,
    );
  }
  if (e?.tlsFailed) {
    return new IntakeError(
      'INTAKE_ERR_IMAP_UNAVAILABLE',
      'the IMAP server did not offer STARTTLS, which security "starttls" requires; use "tls" (port 993) or fix the server',
      true,
    );
  }
  if (e?.authenticationFailed) {
    return new IntakeError(
      'INTAKE_ERR_AUTH_REVOKED',
      'the IMAP server refused the login (token or password no longer valid); reconnect the mailbox',
      false,
      { cause: IMAP_LOGIN_REFUSED },
    );
  }
  return new IntakeError(
    'INTAKE_ERR_IMAP_UNAVAILABLE',
    `IMAP server unreachable or failing (${e?.code ?? 'connection error'}); retrying`,
    true,
  );
}
