// One MailSource per connected mailbox, built from its sealed refresh token and kept while
// the token is unchanged, so the access token it refreshed stays in memory and is reused.
import type { OAuth2Client } from 'google-auth-library';
import type { GoogleOAuth } from '../google/oauth-client.js';
import { GmailApi } from '../google/gmail-api.js';
import { GMAIL_UNITS, QuotaLimiter } from '../google/quota-limiter.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Mailbox } from '../store/mailbox-repo.js';
import { GmailSource } from '../sources/gmail-source.js';
import type { MailSource } from '../sources/mail-source.js';
import { IntakeError } from '../errors/intake-error.js';

interface Entry {
  cipher: string;
  client: OAuth2Client;
  source: MailSource;
  quota: QuotaLimiter;
}

export class MailboxSources {
  private readonly cache = new Map<number, Entry>();
  private readonly oauth: GoogleOAuth;
  private readonly box: SecretBox;
  private readonly pageSize: number;
  private readonly quotaUnitsPerSecond: number;

  constructor(oauth: GoogleOAuth, box: SecretBox, options: { pageSize: number; quotaUnitsPerSecond: number }) {
    this.oauth = oauth;
    this.box = box;
    this.pageSize = options.pageSize;
    this.quotaUnitsPerSecond = options.quotaUnitsPerSecond;
  }

  sourceFor(mailbox: Mailbox): MailSource {
    const cipher = mailbox.refreshTokenCipher;
    if (!cipher) throw new IntakeError('INTAKE_ERR_AUTH_REVOKED', `mailbox ${mailbox.id} holds no refresh token; reconnect it`);
    const cached = this.cache.get(mailbox.id);
    if (cached && cached.cipher === cipher) return cached.source;
    const client = this.oauth.clientFor(this.box.open(cipher));
    const quota = new QuotaLimiter(this.quotaUnitsPerSecond);
    const api = new GmailApi(client, this.oauth.settings.endpoints.gmailRootUrl, this.oauth.settings.requestTimeoutMs, quota);
    const source = new GmailSource(api, this.pageSize);
    this.cache.set(mailbox.id, { cipher, client, source, quota });
    return source;
  }

  /**
   * How long until the mailbox's quota allows one more message fetch besides the `active`
   * ones already running: the queue skips the mailbox meanwhile instead of parking a worker
   * in the limiter. A mailbox not yet used has its full quota.
   */
  fetchWaitMs(mailboxId: number, active: number): number {
    return this.cache.get(mailboxId)?.quota.readyIn(GMAIL_UNITS.messagesGet * (active + 1)) ?? 0;
  }

  /** Drops the in-memory access token too: after a disconnect nothing of the grant is left. */
  forget(mailboxId: number): void {
    this.cache.get(mailboxId)?.client.setCredentials({});
    this.cache.delete(mailboxId);
  }
}
