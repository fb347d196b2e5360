// One MailSource per connected mailbox, built from its sealed refresh token and kept while
// the token is unchanged, so the access token it refreshed stays in memory and is reused.
import type { OAuth2Client } from 'google-auth-library';
import type { GoogleOAuth } from '../google/oauth-client.js';
import { GmailApi } from '../google/gmail-api.js';
import { ProjectQuota, type MailboxQuota, type QuotaOptions } from '../google/quota-limiter.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Mailbox } from '../store/mailbox-repo.js';
import { GmailSource } from '../sources/gmail-source.js';
import type { FetchScope } from '../sources/gmail-scope.js';
import type { MailSource } from '../sources/mail-source.js';
import { IntakeError } from '../errors/intake-error.js';

interface Entry {
  cipher: string;
  client: OAuth2Client;
  source: MailSource;
  quota: MailboxQuota;
  api: GmailApi;
}

export class MailboxSources {
  private readonly cache = new Map<number, Entry>();
  private readonly oauth: GoogleOAuth;
  private readonly box: SecretBox;
  private readonly pageSize: number;
  private readonly scope: FetchScope;
  /** One budget for the whole Cloud project: every mailbox (and worker) spends from it. */
  readonly project: ProjectQuota;

  constructor(oauth: GoogleOAuth, box: SecretBox, options: { pageSize: number; quota: QuotaOptions; scope: FetchScope }) {
    this.oauth = oauth;
    this.box = box;
    this.pageSize = options.pageSize;
    this.scope = options.scope;
    this.project = new ProjectQuota(options.quota);
  }

  sourceFor(mailbox: Mailbox): MailSource {
    const cipher = mailbox.refreshTokenCipher;
    if (!cipher) throw new IntakeError('INTAKE_ERR_AUTH_REVOKED', `mailbox ${mailbox.id} holds no refresh token; reconnect it`);
    const cached = this.cache.get(mailbox.id);
    if (cached && cached.cipher === cipher) return cached.source;
    const client = this.oauth.clientFor(this.box.open(cipher));
    // The per-user quota outlives a token change: Google counts the user, not the token.
    const quota = this.cache.get(mailbox.id)?.quota ?? this.project.forMailbox();
    const api = new GmailApi(client, this.oauth.settings.endpoints.gmailRootUrl, this.oauth.settings.requestTimeoutMs, quota);
    const source = new GmailSource(api, this.pageSize, this.scope);
    this.cache.set(mailbox.id, { cipher, client, source, quota, api });
    return source;
  }

  /** The mailbox's Gmail API client (preview and push use calls sync does not). */
  apiFor(mailbox: Mailbox): GmailApi {
    this.sourceFor(mailbox);
    return (this.cache.get(mailbox.id) as Entry).api;
  }

  /**
   * How long until the mailbox's quota allows one more message fetch besides the `active`
   * ones already running: the queue skips the mailbox meanwhile instead of parking a worker
   * in the limiter. A mailbox not yet used has its full per-user quota, but shares the
   * project's budget (and its pause after a project-wide 429) with every other.
   */
  fetchWaitMs(mailboxId: number, active: number): number {
    const entry = this.cache.get(mailboxId);
    if (entry) return entry.quota.readyIn('messages.get', active + 1);
    return this.project.readyIn(this.project.costOf('messages.get') * (active + 1));
  }

  /** Drops the in-memory access token too: after a disconnect nothing of the grant is left. */
  forget(mailboxId: number): void {
    this.cache.get(mailboxId)?.client.setCredentials({});
    this.cache.delete(mailboxId);
  }
}
