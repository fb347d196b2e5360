// Agents' verdicts on mail: mark a ticket's message spam or ham, release a quarantined
// message into a ticket, or confirm it as spam. Each one teaches the filter and is
// audited, with the ticket change in the same transaction as the learning.
import type { Db } from '../store/database.js';
import type { TicketRepo } from '../store/ticket-repo.js';
import type { QuarantineRepo } from '../store/quarantine-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { MailboxRepo, Mailbox } from '../store/mailbox-repo.js';
import type { MailSource } from '../sources/mail-source.js';
import type { SpamFilter } from '../spam/spam-filter.js';
import { spamInputFromRaw, type SpamInput } from '../spam/spam-input.js';
import { markMessage, markTicketMessageSpam, releaseFromQuarantine, type FeedbackDeps, type MarkResult } from '../spam/spam-feedback.js';
import { parseMail } from '../ingest/parse/parse-mail.js';
import { writeTicket } from '../ingest/ingest-message.js';
import { spamDocKey } from '../ingest/filter-spam-check.js';
import { IntakeError } from '../errors/intake-error.js';

export interface ReviewDeps {
  db: Db;
  filter: SpamFilter;
  tickets: TicketRepo;
  quarantine: QuarantineRepo;
  audit: AuditRepo;
  mailboxes: MailboxRepo;
  sourceFor: (mailbox: Mailbox) => MailSource;
  limits: { maxMessageBytes: number; maxAttachmentBytes: number };
}

/** The doc key names a mailbox and a Gmail id: the audit keeps only the verdict change. */
function feedback(deps: ReviewDeps): FeedbackDeps {
  return {
    db: deps.db,
    filter: deps.filter,
    audit: ({ detail, ...entry }) => deps.audit.record({ ...entry, detail: { previous: detail.previous, ticketId: detail.ticketId } }),
  };
}

export async function markTicketMessage(
  deps: ReviewDeps,
  messageId: number,
  label: 'spam' | 'ham',
  actor: string,
): Promise<MarkResult & { ticketId: number; ticketStatus: string }> {
  const stored = deps.tickets.messageForReview(messageId);
  if (!stored) throw new IntakeError('INTAKE_ERR_NOT_FOUND', `no message with id ${messageId}`);
  const input = await inputForStored(deps, stored);
  const req = { docKey: spamDocKey(stored.mailboxId, stored.providerMessageId), input, actor, subjectRef: `message:${messageId}` };
  const result =
    label === 'spam'
      ? markTicketMessageSpam(feedback(deps), { ...req, ticketId: stored.ticketId }, (id) => deps.tickets.setTicketStatus(id, 'spam'))
      : markMessage(feedback(deps), { ...req, label: 'ham' });
  if (label === 'ham' && stored.ticketStatus === 'spam') deps.tickets.setTicketStatus(stored.ticketId, 'open');
  deps.tickets.recordAgentVerdict(messageId, label);
  return { ...result, ticketId: stored.ticketId, ticketStatus: deps.tickets.messageForReview(messageId)?.ticketStatus ?? 'open' };
}

export async function releaseQuarantined(
  deps: ReviewDeps,
  quarantineId: number,
  actor: string,
): Promise<MarkResult & { ticketId: number }> {
  const q = deps.quarantine.get(quarantineId);
  if (!q) throw new IntakeError('INTAKE_ERR_NOT_FOUND', `no quarantined message with id ${quarantineId}`);
  if (q.releasedAt) throw new IntakeError('INTAKE_ERR_BAD_REQUEST', `quarantined message ${quarantineId} was already released`);
  const parsed = await parseMail(q.raw, deps.limits);
  const input = await spamInputFromRaw(q.raw);
  const req = { docKey: spamDocKey(q.mailboxId, q.providerMessageId), input, actor, subjectRef: `quarantine:${quarantineId}` };
  return releaseFromQuarantine(feedback(deps), req, () => {
    const result = writeTicket(deps, q.mailboxId, q, { threadId: q.providerThreadId, internalDate: Date.parse(q.createdAt) }, parsed, null);
    deps.quarantine.markReleased(quarantineId, result);
    return result.ticketId as number;
  });
}

export async function confirmQuarantined(deps: ReviewDeps, quarantineId: number, actor: string): Promise<MarkResult> {
  const q = deps.quarantine.get(quarantineId);
  if (!q) throw new IntakeError('INTAKE_ERR_NOT_FOUND', `no quarantined message with id ${quarantineId}`);
  const input = await spamInputFromRaw(q.raw);
  return markMessage(feedback(deps), {
    docKey: spamDocKey(q.mailboxId, q.providerMessageId),
    input,
    label: 'spam',
    actor,
    subjectRef: `quarantine:${quarantineId}`,
  });
}

/** The original bytes give the filter every header; when Gmail cannot be asked, the stored fields. */
async function inputForStored(deps: ReviewDeps, stored: NonNullable<ReturnType<TicketRepo['messageForReview']>>): Promise<SpamInput> {
  const mailbox = deps.mailboxes.get(stored.mailboxId);
  if (mailbox?.refreshTokenCipher) {
    try {
      const fetched = await deps.sourceFor(mailbox).fetchRaw(stored.providerMessageId);
      return await spamInputFromRaw(fetched.raw, { labelIds: fetched.labelIds });
    } catch {
      // fall through to what we stored
    }
  }
  return {
    subject: stored.subject,
    text: stored.text,
    html: stored.html,
    headers: new Map(),
    from: stored.fromAddress,
    replyTo: null,
    labelIds: [],
    attachmentTypes: [],
  };
}
