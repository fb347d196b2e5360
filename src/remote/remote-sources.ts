// A remote worker's Gmail clients: one per mailbox, holding only the access token the store
// host minted (TokenClient) and the mailbox's quota pacing in this process. When Google
// refuses a token that has not expired, google-auth-library calls the refresh handler, which
// asks the store host for a new one.
import { OAuth2Client } from 'google-auth-library';
import { GmailApi } from '../google/gmail-api.js';
import { IntakeError } from '../errors/intake-error.js';
import { ProjectQuota, type MailboxQuota, type QuotaOptions } from '../google/quota-limiter.js';
import { GmailSource } from '../sources/gmail-source.js';
import type { FetchScope } from '../sources/gmail-scope.js';
import type { MailSource } from '../sources/mail-source.js';
import { TOKEN_MARGIN_MS } from './token-broker.js';
import type { TokenClient } from './token-client.js';

export interface RemoteSourcesOptions {
  gmailRootUrl: string;
  requestTimeoutMs: number;
  pageSize: number;
  scope: FetchScope;
  quota: QuotaOptions;
}

interface Entry {
  client: OAuth2Client;
  source: GmailSource;
  quota: MailboxQuota;
}

export class RemoteSources {
  readonly #tokens: TokenClient;
  readonly #options: RemoteSourcesOptions;
  readonly #cache = new Map<number, Entry>();
  readonly project: ProjectQuota;

  constructor(tokens: TokenClient, options: RemoteSourcesOptions) {
    this.#tokens = tokens;
    this.#options = options;
    this.project = new ProjectQuota(options.quota);
  }

  /** The mailbox's Gmail source with a current token; 'local' when the store host must fetch it, 'gone' when it is not connected. */
  async sourceFor(mailboxId: number): Promise<MailSource | 'local' | 'gone'> {
    const grant = await this.#tokens.grant(mailboxId);
    if (grant.kind !== 'token') {
      if (grant.kind === 'gone') this.forget(mailboxId);
      return grant.kind;
    }
    const entry = this.#entry(mailboxId);
    if (entry.client.credentials.access_token !== grant.token) {
      entry.client.setCredentials({ access_token: grant.token, expiry_date: grant.expiresAt });
    }
    return entry.source;
  }

  /** Same pacing rule as the store host's MailboxSources.fetchWaitMs, over this process's calls. */
  fetchWaitMs(mailboxId: number, active: number): number {
    const entry = this.#cache.get(mailboxId);
    if (entry) return entry.quota.readyIn('messages.get', active + 1);
    return this.project.readyIn(this.project.costOf('messages.get') * (active + 1));
  }

  forget(mailboxId: number): void {
    this.#cache.get(mailboxId)?.client.setCredentials({});
    this.#cache.delete(mailboxId);
  }

  #entry(mailboxId: number): Entry {
    let entry = this.#cache.get(mailboxId);
    if (entry) return entry;
    const client = new OAuth2Client({ forceRefreshOnFailure: true, eagerRefreshThresholdMillis: TOKEN_MARGIN_MS });
    // Called when the token is about to lapse, or when Google refused one that had not: then
    // the store host is asked for a new one, never handed the refused one again.
    client.refreshHandler = async () => {
      const current = client.credentials.access_token ?? undefined;
      const lapsing = (client.credentials.expiry_date ?? 0) - Date.now() <= TOKEN_MARGIN_MS;
      const grant = await this.#tokens.grant(mailboxId, lapsing ? undefined : current);
      // No longer fetchable from here: the job goes to the store host, which knows why.
      if (grant.kind !== 'token')
        throw new IntakeError('INTAKE_ERR_AUTH_REVOKED', `mailbox ${mailboxId} has no token for remote workers now`, false);
      return { access_token: grant.token, expiry_date: grant.expiresAt };
    };
    const quota = this.project.forMailbox();
    const { gmailRootUrl, requestTimeoutMs, pageSize, scope } = this.#options;
    entry = { client, quota, source: new GmailSource(new GmailApi(client, gmailRootUrl, requestTimeoutMs, quota), pageSize, scope) };
    this.#cache.set(mailboxId, entry);
    return entry;
  }
}
