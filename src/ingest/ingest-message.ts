// The ingest pipeline for one message: fetch raw, parse, classify, then either quarantine
// it or write ticket + message + attachments + outbox event in one transaction.
import type { Mailbox, MailboxRepo } from '../store/mailbox-repo.js';
import type { TicketRepo } from '../store/ticket-repo.js';
import type { QuarantineRepo } from '../store/quarantine-repo.js';
import type { MailSource, FetchedMessage } from '../sources/mail-source.js';
import type { Logger } from '../log/logger.js';
import { parseMail } from './parse/parse-mail.js';
import type { ParsedMessage } from './parse/parsed-message.js';
import type { SpamCheck, SpamJudgement } from './spam-check.js';
import type { IngestJobData } from './ingest-job.js';
import { skipReason } from './skip-rules.js';
import { traceIdFor } from './trace-id.js';
import { fetchThroughGate } from './mailbox-gate.js';

export interface IngestDeps {
  mailboxes: MailboxRepo;
  tickets: TicketRepo;
  quarantine: QuarantineRepo;
  sourceFor: (mailbox: Mailbox) => MailSource;
  spam: SpamCheck | null;
  limits: { maxMessageBytes: number; maxAttachmentBytes: number };
  log: Logger;
}

export type IngestOutcome = 'ticket_created' | 'message_added' | 'duplicate' | 'quarantined' | 'skipped' | 'mailbox_gone' | 'message_gone';

export interface IngestResult {
  outcome: IngestOutcome;
  ticketId?: number;
  messageId?: number;
  subject?: string;
  fromAddress?: string;
}

export async function ingestMessage(deps: IngestDeps, job: IngestJobData): Promise<IngestResult> {
  const mailbox = deps.mailboxes.get(job.mailboxId);
  if (!mailbox) return { outcome: 'mailbox_gone' };
  // Cheap check first: a re-enqueued message costs no Gmail quota.
  if (deps.tickets.hasMessage(mailbox.id, job.providerMessageId) || deps.quarantine.has(mailbox.id, job.providerMessageId)) {
    return { outcome: 'duplicate' };
  }
  const fetched = await fetchThroughGate(deps, mailbox, job.providerMessageId);
  if (fetched === 'gone') return { outcome: 'message_gone' };
  const skip = skipReason(fetched.labelIds);
  if (skip) {
    deps.log.debug({ mailboxId: mailbox.id, reason: skip }, 'message skipped');
    return { outcome: 'skipped' };
  }
  const parsed = await parseMail(fetched.raw, deps.limits);
  const judgement = deps.spam ? await deps.spam.judge(fetched.raw, fetched.labelIds) : null;
  if (judgement?.verdict === 'spam') return quarantine(deps, mailbox.id, job, fetched, parsed, judgement);
  return writeTicket(deps, mailbox.id, job, fetched, parsed, judgement);
}

export function writeTicket(
  deps: Pick<IngestDeps, 'tickets'>,
  mailboxId: number,
  job: Pick<IngestJobData, 'providerMessageId'>,
  fetched: Pick<FetchedMessage, 'threadId' | 'internalDate'>,
  parsed: ParsedMessage,
  judgement: SpamJudgement | null,
): IngestResult {
  const result = deps.tickets.write({
    traceId: traceIdFor(mailboxId, job.providerMessageId),
    mailboxId,
    providerMessageId: job.providerMessageId,
    providerThreadId: fetched.threadId,
    messageIdHeader: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    from: parsed.from,
    to: parsed.to,
    cc: parsed.cc,
    subject: parsed.subject,
    sentAt: parsed.date,
    receivedAt: fetched.internalDate ?? Date.now(),
    text: parsed.text,
    html: parsed.html,
    sizeBytes: parsed.sizeBytes,
    problems: parsed.problems,
    spam: judgement ? { verdict: judgement.verdict, score: judgement.score, evidence: judgement.evidence } : null,
    needsReview: judgement?.verdict === 'unsure',
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      sha256: a.sha256,
      content: a.content,
      omittedReason: a.omittedReason,
    })),
  });
  return {
    outcome: result.duplicate ? 'duplicate' : result.createdTicket ? 'ticket_created' : 'message_added',
    ticketId: result.ticketId,
    messageId: result.messageId,
    subject: parsed.subject,
    fromAddress: parsed.from?.address ?? '',
  };
}

function quarantine(
  deps: IngestDeps,
  mailboxId: number,
  job: IngestJobData,
  fetched: FetchedMessage,
  parsed: ParsedMessage,
  judgement: SpamJudgement,
): IngestResult {
  const { duplicate } = deps.quarantine.add({
    traceId: traceIdFor(mailboxId, job.providerMessageId),
    mailboxId,
    providerMessageId: job.providerMessageId,
    providerThreadId: fetched.threadId,
    fromAddress: parsed.from?.address ?? '',
    subject: parsed.subject,
    reason: 'spam filter',
    score: judgement.score,
    evidence: judgement.evidence,
    raw: fetched.raw,
  });
  return { outcome: duplicate ? 'duplicate' : 'quarantined' };
}
