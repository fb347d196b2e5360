// The ingest pipeline for one message: fetch raw, parse + classify (analyse pool), then either
// quarantine it or write ticket + message + attachments + outbox event in one transaction;
// land-message.ts makes sure it lands somewhere (ticket, quarantine or poison entry).
import type { Mailbox, MailboxRepo } from '../store/mailbox-repo.js';
import type { TicketRepo } from '../store/ticket-repo.js';
import type { QuarantineRepo } from '../store/quarantine-repo.js';
import type { MailSource, FetchedMessage } from '../sources/mail-source.js';
import type { Logger } from '../log/logger.js';
import type { PoisonRepo } from '../store/poison-repo.js';
import type { ParsedMessage } from './parse/parsed-message.js';
import type { SpamJudgement } from './spam-check.js';
import type { IngestJobData } from './ingest-job.js';
import type { Analyse } from './analyse.js';
import type { IngestResult } from './ingest-result.js';
import { landMessage } from './land-message.js';
import { skipReason } from './skip-rules.js';
import { fetchThroughGate } from './mailbox-gate.js';

export type { IngestOutcome, IngestResult } from './ingest-result.js';

export interface IngestDeps {
  mailboxes: MailboxRepo;
  tickets: TicketRepo;
  quarantine: QuarantineRepo;
  poison: PoisonRepo;
  sourceFor: (mailbox: Mailbox) => MailSource;
  /** parse + classify: the worker pool, or inlineAnalyse() on this thread */
  analyse: Analyse;
  log: Logger;
}

export async function ingestMessage(deps: IngestDeps, job: IngestJobData): Promise<IngestResult> {
  const mailbox = deps.mailboxes.get(job.mailboxId);
  if (!mailbox) return { outcome: 'mailbox_gone' };
  // Cheap check first: a re-enqueued message costs no Gmail quota.
  if (deps.tickets.hasMessage(mailbox.id, job.providerMessageId) || deps.quarantine.has(mailbox.id, job.providerMessageId)) {
    if (job.replay) deps.poison.remove(mailbox.id, job.providerMessageId);
    return { outcome: 'duplicate' };
  }
  // A poison entry has landed too; only a replay runs it again, from the bytes it keeps.
  const kept = deps.poison.findByMessage(mailbox.id, job.providerMessageId);
  if (kept && !job.replay) return { outcome: 'duplicate' };
  const fetched = kept
    ? { raw: kept.raw, threadId: kept.providerThreadId, labelIds: kept.labelIds, internalDate: kept.internalDate }
    : await fetchThroughGate(deps, mailbox, job.providerMessageId);
  if (fetched === 'gone') return { outcome: 'message_gone' };
  const skip = skipReason(fetched.labelIds);
  if (skip) {
    deps.log.debug({ mailboxId: mailbox.id, reason: skip }, 'message skipped');
    return { outcome: 'skipped' };
  }
  const result = await landMessage(deps, mailbox.id, job, fetched, ({ message, judgement }) =>
    judgement?.verdict === 'spam'
      ? quarantine(deps, mailbox.id, job, fetched, message, judgement)
      : writeTicket(deps, mailbox.id, job, fetched, message, judgement),
  );
  if (kept && result.outcome !== 'poisoned') deps.poison.remove(mailbox.id, job.providerMessageId);
  return result;
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
