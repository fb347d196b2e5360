// Connecting a mailbox: build the consent URL, then on the callback verify state, exchange
// the code, check the granted scopes and store the address with the sealed refresh token.
import type { GoogleOAuth } from '../google/oauth-client.js';
import { missingScopes, scopesFor, type MailSourceKind } from '../google/scopes.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { MailboxRepo, Mailbox } from '../store/mailbox-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { Logger } from '../log/logger.js';
import { IntakeError } from '../errors/intake-error.js';
import type { OAuthStateStore } from './oauth-state.js';
import type { SubjectRefFn } from '../crypto/subject-ref.js';
import type { PendingBackfills } from './pending-backfills.js';

export interface CallbackParams {
  code?: string;
  state?: string;
  error?: string;
}

export interface ConnectorDeps {
  oauth: GoogleOAuth;
  states: OAuthStateStore;
  mailboxes: MailboxRepo;
  box: SecretBox;
  audit: AuditRepo;
  log: Logger;
  labelImported: boolean;
  subjectRef: SubjectRefFn;
  /** The backfill choice and preview-first default (sync.backfill, sync.previewFirst). */
  backfills?: { pending: PendingBackfills; defaultChoice: string; previewFirst: boolean };
}

export class MailboxConnector {
  private readonly deps: ConnectorDeps;

  constructor(deps: ConnectorDeps) {
    this.deps = deps;
  }

  async begin(opts: {
    source?: MailSourceKind;
    loginHint?: string;
    sessionRef?: string | null;
    actor?: string;
    /** 'all' | 'none' | 'days:N' (already validated); default sync.backfill. */
    backfill?: string;
    /** Wait for a confirm after a preview before the first import; default sync.previewFirst. */
    preview?: boolean;
  }): Promise<string> {
    const source = opts.source ?? 'gmail';
    const scopes = scopesFor(source, this.deps.labelImported);
    // The verifier exists before the state that carries it, so sign after generating.
    const draft = await this.deps.oauth.consentUrl({ scopes, state: 'pending' });
    const pendingConsent = { codeVerifier: draft.codeVerifier, source, scopes, ...(opts.actor ? { actor: opts.actor } : {}) };
    const state = this.deps.states.create(pendingConsent, opts.sessionRef ?? null);
    const url = new URL(draft.url);
    url.searchParams.set('state', state);
    if (opts.loginHint) url.searchParams.set('login_hint', opts.loginHint);
    const b = this.deps.backfills;
    if (b) b.pending.record(state, { choice: opts.backfill ?? b.defaultChoice, hold: opts.preview ?? b.previewFirst });
    return url.toString();
  }

  async complete(params: CallbackParams, sessionRef: string | null = null): Promise<{ mailbox: Mailbox; created: boolean }> {
    const pending = this.deps.states.consume(params.state, sessionRef);
    if (params.error) {
      throw new IntakeError('INTAKE_ERR_OAUTH_EXCHANGE', `Google returned error=${params.error.slice(0, 40)}: access was not granted`);
    }
    if (!params.code) throw new IntakeError('INTAKE_ERR_OAUTH_EXCHANGE', 'the callback carried no authorization code');
    const grant = await this.deps.oauth.exchangeCode(params.code, pending.codeVerifier);
    const missing = missingScopes(pending.scopes, grant.grantedScopes);
    if (missing.length > 0) {
      // Keep nothing from a grant we cannot use.
      if (grant.refreshToken) await this.deps.oauth.revoke(grant.refreshToken).catch(() => undefined);
      throw new IntakeError('INTAKE_ERR_AUTH_SCOPE', `Gmail access was not granted (missing: ${missing.join(', ')})`);
    }
    const result = this.store(grant.email, pending.source, grant.refreshToken, grant.grantedScopes, pending.actor ?? 'admin');
    const choice = this.deps.backfills?.pending.take(params.state);
    // A reconnect keeps its cursor: the choice only shapes a mailbox's first import.
    if (choice && result.created) this.deps.mailboxes.setBackfillChoice(result.mailbox.id, choice.choice, choice.hold);
    return result;
  }

  private store(
    email: string,
    source: MailSourceKind,
    refreshToken: string | null,
    scopes: string[],
    actor: string,
  ): { mailbox: Mailbox; created: boolean } {
    const existing = this.deps.mailboxes.findByEmail(email);
    // Google may omit the refresh token on a repeat grant: never replace a stored one with nothing.
    const cipher = refreshToken ? this.deps.box.seal(refreshToken) : existing?.refreshTokenCipher;
    if (!cipher) {
      throw new IntakeError(
        'INTAKE_ERR_OAUTH_EXCHANGE',
        'Google returned no refresh token; remove Intake in the Google account and connect again',
      );
    }
    const result = this.deps.mailboxes.upsertConnected({ email, source, refreshTokenCipher: cipher, scopes });
    this.deps.audit.record({
      actor,
      action: result.created ? 'mailbox.connected' : 'mailbox.reconnected',
      subjectRef: this.deps.subjectRef(email),
    });
    this.deps.log.info({ mailboxId: result.mailbox.id, created: result.created }, 'mailbox connected');
    return result;
  }
}
