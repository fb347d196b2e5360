// Adding an IMAP mailbox that signs in with a password (any IMAP server, not only Gmail):
// sign in and open the folder first, so a wrong password or host is an answer to the admin
// rather than a mailbox that fails later; then store the server and the sealed password.
// The password is never logged, never returned and never sent anywhere but that server.
import type { SecretBox } from '../crypto/secret-box.js';
import type { SubjectRefFn } from '../crypto/subject-ref.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { ImapAccount, Mailbox, MailboxRepo } from '../store/mailbox-repo.js';
import type { Logger } from '../log/logger.js';
import { IntakeError, isIntakeError } from '../errors/intake-error.js';
import { ImapSource } from '../sources/imap-source.js';

export interface ImapAccountInput extends ImapAccount {
  email: string;
  password: string;
  /** 'all' | 'none' | 'days:N' (validated); default sync.backfill. */
  backfill?: string;
}

export interface ImapConnectDeps {
  mailboxes: MailboxRepo;
  box: SecretBox;
  audit: AuditRepo;
  subjectRef: SubjectRefFn;
  log: Logger;
  defaultBackfill: string;
  timeoutMs: number;
  allowSelfSigned: boolean;
}

export interface ImapConnectResult {
  mailbox: Mailbox;
  created: boolean;
  /** Messages in the folder when it was checked. */
  messages: number;
}

export async function connectImapAccount(deps: ImapConnectDeps, input: ImapAccountInput, actor: string): Promise<ImapConnectResult> {
  refuseOAuthMailbox(deps.mailboxes, input.email);
  const account: ImapAccount = {
    host: input.host,
    port: input.port,
    security: input.security,
    username: input.username,
    folder: input.folder,
  };
  const { messages } = await checkSignIn(deps, account, input.password);
  const result = deps.mailboxes.upsertConnected({
    email: input.email,
    source: 'imap',
    refreshTokenCipher: deps.box.seal(input.password),
    scopes: [],
    imap: account,
  });
  // A reconnect keeps its cursor: the choice only shapes a mailbox's first import.
  if (result.created) deps.mailboxes.setBackfillChoice(result.mailbox.id, input.backfill ?? deps.defaultBackfill, false);
  deps.audit.record({
    actor,
    action: result.created ? 'mailbox.connected' : 'mailbox.reconnected',
    subjectRef: deps.subjectRef(input.email),
    detail: { source: 'imap', auth: 'password', security: account.security },
  });
  deps.log.info({ mailboxId: result.mailbox.id, created: result.created, security: account.security }, 'IMAP mailbox added');
  return { ...result, messages };
}

/** A mailbox connected through Google keeps its grant: replacing it here would orphan a refresh token. */
function refuseOAuthMailbox(mailboxes: MailboxRepo, email: string): void {
  const existing = mailboxes.findByEmail(email);
  if (!existing || existing.state === 'disconnected' || !existing.refreshTokenCipher) return;
  if (mailboxes.imapAccount(existing.id)) return;
  throw new IntakeError(
    'INTAKE_ERR_MAILBOX_EXISTS',
    `mailbox ${existing.id} is already connected through Google; remove it first (DELETE /api/mailboxes/${existing.id}) to read it with a password`,
  );
}

async function checkSignIn(deps: ImapConnectDeps, account: ImapAccount, password: string): Promise<{ messages: number }> {
  const source = new ImapSource({
    endpoint: { host: account.host, port: account.port, security: account.security, allowSelfSigned: deps.allowSelfSigned },
    folder: account.folder,
    login: () => Promise.resolve({ user: account.username, pass: password }),
    pageSize: 1,
    timeoutMs: deps.timeoutMs,
  });
  try {
    return await source.check();
  } catch (err) {
    throw explain(err, account);
  } finally {
    await source.close();
  }
}

function explain(err: unknown, account: ImapAccount): IntakeError {
  const where = `${account.host}:${account.port}`;
  if (isIntakeError(err) && err.code === 'INTAKE_ERR_AUTH_REVOKED')
    return new IntakeError(
      'INTAKE_ERR_IMAP_LOGIN',
      `the IMAP server ${where} refused the user name or password; check both (and that IMAP is enabled for the account)`,
    );
  if (isIntakeError(err) && err.message.includes('could not be opened'))
    return new IntakeError(
      'INTAKE_ERR_IMAP_LOGIN',
      `signed in to ${where}, but the folder "${account.folder.slice(0, 100)}" could not be opened; check its name`,
    );
  const detail = isIntakeError(err) ? err.message : 'connection error';
  return new IntakeError(
    'INTAKE_ERR_IMAP_UNAVAILABLE',
    `could not sign in to the IMAP server ${where}: ${detail}; check host, port and security`,
  );
}
