// The one door from an ingest job to Google: a mailbox awaiting re-consent is not called at
// all (its jobs park until a reconnect wakes them), a grant Google ended pauses the mailbox
// at once so its other jobs park too, and a message Google no longer has is "gone".
import type { Mailbox, MailboxRepo } from '../store/mailbox-repo.js';
import type { FetchedMessage, MailSource } from '../sources/mail-source.js';
import type { Logger } from '../log/logger.js';
import { IntakeError, isIntakeError } from '../errors/intake-error.js';
import { reconsentReason } from '../google/classify-google-error.js';

export interface GateDeps {
  mailboxes: Pick<MailboxRepo, 'markNeedsReconsent'>;
  sourceFor: (mailbox: Mailbox) => MailSource;
  log: Logger;
}

/** Throws INTAKE_ERR_MAILBOX_PARKED for a mailbox whose jobs must not call Google now. */
export function assertMailboxCallable(mailbox: Mailbox): void {
  if (mailbox.state === 'needs_reconsent' || mailbox.state === 'disconnected') {
    throw new IntakeError('INTAKE_ERR_MAILBOX_PARKED', `mailbox ${mailbox.id} is ${mailbox.state}; its jobs wait for a reconnect`);
  }
}

export async function fetchThroughGate(deps: GateDeps, mailbox: Mailbox, providerMessageId: string): Promise<FetchedMessage | 'gone'> {
  assertMailboxCallable(mailbox);
  try {
    return await deps.sourceFor(mailbox).fetchRaw(providerMessageId);
  } catch (err) {
    if (!isIntakeError(err)) throw err;
    if (err.code === 'INTAKE_ERR_MESSAGE_GONE') return 'gone';
    if (err.code === 'INTAKE_ERR_AUTH_REVOKED' || err.code === 'INTAKE_ERR_AUTH_SCOPE') {
      const reason = reconsentReason(err, Date.now() - mailbox.updatedAt);
      if (deps.mailboxes.markNeedsReconsent(mailbox.id, mailbox.refreshTokenCipher, reason)) {
        deps.log.warn({ mailboxId: mailbox.id, code: err.code, reason }, 'mailbox needs re-consent; its jobs are parked');
      }
    }
    throw err;
  }
}
