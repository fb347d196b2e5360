// One MailSource per connected mailbox, built from its sealed grant and kept while the grant is
// unchanged, so the access token it refreshed (or the IMAP connection it opened) stays in
// memory and is reused. A Gmail-API mailbox gets a GmailSource paced by its quota; a mailbox
// with source "imap" gets an ImapSource: on Gmail's IMAP server with XOAUTH2 when its grant is
// an OAuth refresh token, on its own server with a password when it has an IMAP account row.
import type { OAuth2Client } from 'google-auth-library';
import type { GoogleOAuth } from '../google/oauth-client.js';
import { GmailApi } from '../google/gmail-api.js';
import { ProjectQuota, type MailboxQuota, type QuotaOptions } from '../google/quota-limiter.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { ImapAccount, Mailbox } from '../store/mailbox-repo.js';
import { GmailSource } from '../sources/gmail-source.js';
import type { FetchScope } from '../sources/gmail-scope.js';
import type { MailSource } from '../sources/mail-source.js';
import { ImapSource, type ImapEndpoint, type ImapLogin } from '../sources/imap-source.js';
import { watchImapFolder, type ImapWatch } from '../sources/imap-watch.js';
import { IntakeError } from '../errors/intake-error.js';
import { classifyGoogleError } from '../google/classify-google-error.js';
import { xoauth2Login } from './imap-login.js';

/** What every IMAP connection uses (config imap.*). */
export interface ImapSettings {
  /** Gmail's IMAP server, for mailboxes connected through Google with source "imap". */
  gmail: Pick<ImapEndpoint, 'host' | 'port' | 'security'>;
  /** The folder a Gmail mailbox is read from over IMAP. */
  folder: string;
  timeoutMs: number;
  idleRenewSeconds: number;
  allowSelfSigned: boolean;
}

/** How one mailbox reaches its IMAP folder: server, folder, and a login asked for at every connect. */
interface ImapRoute {
  endpoint: ImapEndpoint;
  folder: string;
  login: () => Promise<ImapLogin>;
}

interface Entry {
  cipher: string;
  source: MailSource;
  /** Gmail API mailboxes and Gmail-over-IMAP ones (XOAUTH2) hold a Google client; password ones do not. */
  client: OAuth2Client | null;
  /** null: not metered in Gmail API units (IMAP). */
  quota: MailboxQuota | null;
  api: GmailApi | null;
  imap: ImapRoute | null;
}

export interface MailboxSourcesOptions {
  pageSize: number;
  quota: QuotaOptions;
  scope: FetchScope;
  imap: ImapSettings;
  /** The server of a password-signed IMAP mailbox (MailboxRepo.imapAccount). */
  imapAccountOf: (mailboxId: number) => ImapAccount | undefined;
}

export class MailboxSources {
  readonly #cache = new Map<number, Entry>();
  readonly #oauth: GoogleOAuth;
  readonly #box: SecretBox;
  readonly #options: MailboxSourcesOptions;
  readonly #forgetListeners: ((mailboxId: number) => void)[] = [];
  /** The per-user quota outlives a token change: Google counts the user, not the token. */
  readonly #quotas = new Map<number, MailboxQuota>();
  /** One budget for the whole Cloud project: every mailbox (and worker) spends from it. */
  readonly project: ProjectQuota;

  constructor(oauth: GoogleOAuth, box: SecretBox, options: MailboxSourcesOptions) {
    this.#oauth = oauth;
    this.#box = box;
    this.#options = options;
    this.project = new ProjectQuota(options.quota);
  }

  sourceFor(mailbox: Mailbox): MailSource {
    return this.#entry(mailbox).source;
  }

  /** The mailbox's Gmail API client (the preview uses calls sync does not); none for a password IMAP mailbox. */
  apiFor(mailbox: Mailbox): GmailApi {
    const api = this.#entry(mailbox).api;
    if (!api)
      throw new IntakeError(
        'INTAKE_ERR_BAD_REQUEST',
        `mailbox ${mailbox.id} signs in to IMAP with a password: it has no Gmail API to preview with`,
      );
    return api;
  }

  /**
   * An IDLE watcher on the mailbox's IMAP folder that calls `onNewMail` when mail arrives;
   * null for a Gmail-API mailbox (it is polled, or pushed to).
   */
  watchFor(mailbox: Mailbox, onNewMail: () => void, onError: (err: unknown) => void): ImapWatch | null {
    const route = this.#entry(mailbox).imap;
    if (!route) return null;
    return watchImapFolder({
      ...route,
      timeoutMs: this.#options.imap.timeoutMs,
      renewMs: this.#options.imap.idleRenewSeconds * 1000,
      onNewMail,
      onError,
    });
  }

  /**
   * How long until the mailbox's quota allows one more message fetch besides the `active`
   * ones already running: the queue skips the mailbox meanwhile instead of parking a worker
   * in the limiter. A mailbox not yet used has its full per-user quota, but shares the
   * project's budget (and its pause after a project-wide 429) with every other. IMAP is not
   * metered in units.
   */
  fetchWaitMs(mailboxId: number, active: number): number {
    const entry = this.#cache.get(mailboxId);
    if (entry) return entry.quota ? entry.quota.readyIn('messages.get', active + 1) : 0;
    return this.project.readyIn(this.project.costOf('messages.get') * (active + 1));
  }

  /**
   * A current access token for a mailbox that signs in through Google (for a remote worker,
   * which never holds the refresh token); null for a password IMAP mailbox. `force` refreshes
   * even a token that has not expired yet (the worker's call with it was refused).
   */
  async accessTokenFor(mailbox: Mailbox, force = false): Promise<{ token: string; expiresAt: number } | null> {
    const client = this.#entry(mailbox).client;
    if (!client) return null;
    if (force) client.setCredentials({ refresh_token: client.credentials.refresh_token ?? null });
    let token;
    try {
      ({ token } = await client.getAccessToken());
    } catch (err) {
      throw classifyGoogleError(err);
    }
    if (!token) throw new IntakeError('INTAKE_ERR_GOOGLE_UNAVAILABLE', 'Google returned no access token', true);
    // Google's tokens last an hour; a client that read no expiry keeps the token 5 minutes.
    return { token, expiresAt: client.credentials.expiry_date ?? Date.now() + 5 * 60_000 };
  }

  /** Calls `listener` whenever a mailbox's clients are dropped (the daemon stops its IDLE watcher). */
  onForget(listener: (mailboxId: number) => void): void {
    this.#forgetListeners.push(listener);
  }

  /** Drops the in-memory access token and IMAP connection too: after a disconnect nothing of the grant is left. */
  forget(mailboxId: number): void {
    const entry = this.#cache.get(mailboxId);
    this.#cache.delete(mailboxId);
    this.#quotas.delete(mailboxId);
    if (entry) this.#drop(entry);
    for (const listener of this.#forgetListeners) listener(mailboxId);
  }

  /** Logs out of every IMAP connection (daemon shutdown). */
  async close(): Promise<void> {
    const entries = [...this.#cache.values()];
    this.#cache.clear();
    await Promise.all(entries.map((e) => (e.source instanceof ImapSource ? e.source.close() : Promise.resolve())));
  }

  #entry(mailbox: Mailbox): Entry {
    const cipher = mailbox.refreshTokenCipher;
    if (!cipher) throw new IntakeError('INTAKE_ERR_AUTH_REVOKED', `mailbox ${mailbox.id} holds no grant; reconnect it`);
    const cached = this.#cache.get(mailbox.id);
    if (cached && cached.cipher === cipher) return cached;
    if (cached) this.#drop(cached);
    const entry = mailbox.source === 'imap' ? this.#imapEntry(mailbox, cipher) : this.#gmailEntry(mailbox, cipher);
    this.#cache.set(mailbox.id, entry);
    return entry;
  }

  #gmailEntry(mailbox: Mailbox, cipher: string): Entry {
    const client = this.#oauth.clientFor(this.#box.open(cipher));
    const api = this.#gmailApi(mailbox.id, client);
    return {
      cipher,
      client,
      source: new GmailSource(api, this.#options.pageSize, this.#options.scope),
      quota: this.#quotaOf(mailbox.id),
      api,
      imap: null,
    };
  }

  #imapEntry(mailbox: Mailbox, cipher: string): Entry {
    const settings = this.#options.imap;
    const account = this.#options.imapAccountOf(mailbox.id);
    let route: ImapRoute;
    let client: OAuth2Client | null = null;
    if (account) {
      const login = { user: account.username, pass: this.#box.open(cipher) };
      route = {
        endpoint: { host: account.host, port: account.port, security: account.security, allowSelfSigned: settings.allowSelfSigned },
        folder: account.folder,
        login: () => Promise.resolve(login),
      };
    } else {
      client = this.#oauth.clientFor(this.#box.open(cipher));
      route = {
        endpoint: { ...settings.gmail, allowSelfSigned: settings.allowSelfSigned },
        folder: settings.folder,
        login: xoauth2Login(mailbox.email, client),
      };
    }
    const source = new ImapSource({ ...route, pageSize: this.#options.pageSize, timeoutMs: settings.timeoutMs });
    // A Gmail mailbox over IMAP granted full mail access, which the Gmail API accepts too (preview).
    const api = client ? this.#gmailApi(mailbox.id, client) : null;
    return { cipher, client, source, quota: null, api, imap: route };
  }

  #gmailApi(mailboxId: number, client: OAuth2Client): GmailApi {
    const { endpoints, requestTimeoutMs } = this.#oauth.settings;
    return new GmailApi(client, endpoints.gmailRootUrl, requestTimeoutMs, this.#quotaOf(mailboxId));
  }

  #quotaOf(mailboxId: number): MailboxQuota {
    let quota = this.#quotas.get(mailboxId);
    if (!quota) {
      quota = this.project.forMailbox();
      this.#quotas.set(mailboxId, quota);
    }
    return quota;
  }

  #drop(entry: Entry): void {
    entry.client?.setCredentials({});
    if (entry.source instanceof ImapSource) void entry.source.close();
  }
}
