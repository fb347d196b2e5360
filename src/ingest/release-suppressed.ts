// An agent's answer to suppressed machine mail: release it into a ticket (guard and breaker
// overridden), or replay it through the current rules (after a guard option changed). The
// entry is kept, marked with the ticket it went to, so the review list shows what happened.
import { IntakeError } from '../errors/intake-error.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { MailboxRepo } from '../store/mailbox-repo.js';
import { handleParsed, type IngestDeps, type IngestResult } from './ingest-message.js';
import { parseMail } from './parse/parse-mail.js';

export type ReleaseMode = 'release' | 'replay';

export interface ReleaseDeps extends Omit<IngestDeps, 'sourceFor' | 'mailboxes'> {
  mailboxes: Pick<MailboxRepo, 'get'>;
  audit: AuditRepo;
}

export async function releaseSuppressed(deps: ReleaseDeps, id: number, mode: ReleaseMode, actor: string): Promise<IngestResult> {
  const entry = deps.mail.suppressed.get(id);
  if (!entry) throw new IntakeError('INTAKE_ERR_NOT_FOUND', `no suppressed message with id ${id}`);
  if (entry.releasedAt) throw new IntakeError('INTAKE_ERR_BAD_REQUEST', `suppressed message ${id} was already released`);
  const mailbox = deps.mailboxes.get(entry.mailboxId);
  if (!mailbox) throw new IntakeError('INTAKE_ERR_NOT_FOUND', `the mailbox of suppressed message ${id} is gone`);
  const parsed = await parseMail(entry.raw, deps.limits);
  const fetched = { raw: entry.raw, threadId: entry.providerThreadId, labelIds: entry.labelIds, internalDate: entry.internalDate };
  const context = { mailbox, providerMessageId: entry.providerMessageId, fetched, parsed };
  const result = await handleParsed(deps, context, { bypassGuard: mode === 'release' });
  // Suppressed again: the entry (same mailbox and provider id) simply stays.
  if (result.ticketId !== undefined) deps.mail.suppressed.markReleased(id, result.ticketId);
  deps.audit.record({ actor, action: `suppressed.${mode}`, subjectRef: `suppressed:${id}`, detail: { outcome: result.outcome } });
  return result;
}
