// Disconnecting a mailbox for real: revoke the grant at Google (an IMAP password is only
// deleted), delete every piece of OAuth data, drop its pending jobs and, if asked, its
// tickets. If Google cannot be reached the local deletion still happens and the revocation
// is retried later.
import type { Db } from '../store/database.js';
import type { Mailbox, MailboxRepo } from '../store/mailbox-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { GoogleOAuth } from '../google/oauth-client.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { SubjectRefFn } from '../crypto/subject-ref.js';
import type { Logger } from '../log/logger.js';
import { isIntakeError } from '../errors/intake-error.js';
import type { RevocationRepo } from './revocation-repo.js';
import { checkpointTruncate } from './checkpoint.js';

export interface DisconnectDeps {
  db: Db;
  mailboxes: MailboxRepo;
  audit: AuditRepo;
  queue: JobQueue;
  oauth: GoogleOAuth;
  box: SecretBox;
  revocations: RevocationRepo;
  subjectRef: SubjectRefFn;
  log: Logger;
  /** Drops in-memory clients (and their access tokens) for the mailbox. */
  forget: (mailboxId: number) => void;
  /** Unlearns what the spam model learned from the mailbox's mail (only when its mail is deleted). */
  forgetLearning: (mailboxId: number) => void;
  /** Stops the mailbox's Gmail push watch while the grant still works (best effort, never throws). */
  stopWatch?: (mailbox: Mailbox) => Promise<void>;
}

export async function disconnectMailbox(
  deps: DisconnectDeps,
  mailboxId: number,
  options: { deleteTickets: boolean; actor: string },
): Promise<{ revoked: boolean }> {
  const mailbox = deps.mailboxes.get(mailboxId);
  if (!mailbox) return { revoked: false };
  await deps.stopWatch?.(mailbox);
  deps.forget(mailboxId);
  // A password-signed IMAP mailbox's sealed secret is its password: it must never be sent to
  // Google's revocation endpoint. Deleting it here is all there is to revoke.
  const password = deps.mailboxes.imapAccount(mailboxId) !== undefined;
  const revoked = mailbox.refreshTokenCipher && !password ? await revokeOrQueue(deps, mailbox.refreshTokenCipher) : true;
  await deps.queue.removePendingForMailbox(mailboxId);
  if (options.deleteTickets) {
    deps.forgetLearning(mailboxId);
    // Cascades to sync state, tickets, messages, attachments, quarantine and outbox rows;
    // the contacts only this mailbox's mail named go too.
    deps.db.transaction(() => {
      deps.db.prepare('DELETE FROM jobs WHERE mailbox_id = ? OR id LIKE ?').run(mailboxId, `ingest:${mailboxId}:%`);
      const contacts = contactsOf(deps.db, mailboxId);
      deps.mailboxes.delete(mailboxId);
      deleteOrphanContacts(deps.db, contacts);
    })();
    // secure_delete zeroed the pages; the WAL still holds their old images until truncated.
    checkpointTruncate(deps.db);
  } else {
    deps.mailboxes.markDisconnected(mailboxId);
  }
  deps.audit.record({
    actor: options.actor,
    action: options.deleteTickets ? 'mailbox.deleted' : 'mailbox.disconnected',
    subjectRef: deps.subjectRef(mailbox.email),
    detail: { revokedAtGoogle: revoked, ticketsDeleted: options.deleteTickets },
  });
  deps.log.info({ mailboxId, revoked, ticketsDeleted: options.deleteTickets }, 'mailbox disconnected');
  return { revoked };
}

async function revokeOrQueue(deps: DisconnectDeps, cipher: string): Promise<boolean> {
  try {
    await deps.oauth.revoke(deps.box.open(cipher));
    return true;
  } catch (err) {
    const code = isIntakeError(err) ? err.code : 'INTAKE_ERR_INTERNAL';
    deps.revocations.add(cipher, code);
    deps.log.warn({ code }, 'revocation at Google failed; deleted locally, will retry revocation');
    return false;
  }
}

/** Retries revocations that failed; a token Google says is already gone counts as done. */
export async function retryRevocations(deps: Pick<DisconnectDeps, 'oauth' | 'box' | 'revocations' | 'log'>): Promise<number> {
  let done = 0;
  for (const pending of deps.revocations.due()) {
    try {
      await deps.oauth.revoke(deps.box.open(pending.tokenCipher));
      deps.revocations.done(pending.id);
      done++;
    } catch (err) {
      deps.revocations.retryLater(pending.id, pending.attempts, isIntakeError(err) ? err.code : 'INTAKE_ERR_INTERNAL');
    }
  }
  if (done > 0) deps.log.info({ done }, 'pending revocations completed');
  return done;
}

function contactsOf(db: Db, mailboxId: number): number[] {
  return db
    .prepare<[number, number], { id: number }>(
      `SELECT from_contact_id AS id FROM messages WHERE mailbox_id = ? AND from_contact_id IS NOT NULL
       UNION SELECT requester_contact_id FROM tickets WHERE mailbox_id = ? AND requester_contact_id IS NOT NULL`,
    )
    .all(mailboxId, mailboxId)
    .map((r) => r.id);
}

function deleteOrphanContacts(db: Db, ids: number[]): void {
  const del = db.prepare(
    `DELETE FROM contacts WHERE id = @id AND NOT EXISTS (SELECT 1 FROM messages WHERE from_contact_id = @id)
     AND NOT EXISTS (SELECT 1 FROM tickets WHERE requester_contact_id = @id)`,
  );
  for (const id of ids) del.run({ id });
}
