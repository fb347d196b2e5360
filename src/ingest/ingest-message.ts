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
import type { MailHandling, MessageContext, Plan } from './mail-handling.js';
import { adoptPendingOutbound, suppressedResult } from './placed-write.js';
import { fetchThroughGate } from './mailbox-gate.js';

export interface IngestDeps {
  mailboxes: MailboxRepo;
  tickets: TicketRepo;
  quarantine: QuarantineRepo;
  sourceFor: (mailbox: Mailbox) => MailSource;
  spam: SpamCheck | null;
  limits: { maxMessageBytes: number; maxAttachmentBytes: number };
  log: Logger;
  /** Guard, threading, sanitising, tombstones (issue 15). */
  mail: MailHandling;
}

export type IngestOutcome =
  | 'ticket_created'
  | 'message_added'
  | 'bounce_attached'
  | 'duplicate'
  | 'quarantined'
  | 'suppressed'
  | 'tombstoned'
  | 'skipped'
  | 'mailbox_gone'
  | 'message_gone';

export interface IngestResult {
  outcome: IngestOutcome;
  ticketId?: number;
  messageId?: number;
  subject?: string;
  fromAddress?: string;
  direction?: 'inbound' | 'outbound';
  /** For `suppressed`: the guard class and the reason. */
  suppressed?: { guardClass: string; reason: string };
}

export async function ingestMessage(deps: IngestDeps, job: IngestJobData): Promise<IngestResult> {
  const mailbox = deps.mailboxes.get(job.mailboxId);
  if (!mailbox) return { outcome: 'mailbox_gone' };
  // Cheap check first: a re-enqueued message costs no Gmail quota.
  if (deps.tickets.hasMessage(mailbox.id, job.providerMessageId) || deps.quarantine.has(mailbox.id, job.providerMessageId)) {
    return { outcome: 'duplicate' };
  }
  const held = deps.mail.alreadyHandled(mailbox.id, job.providerMessageId);
  if (held) return { outcome: held === 'tombstoned' ? 'tombstoned' : 'duplicate' };
  const fetched = await fetchThroughGate(deps, mailbox, job.providerMessageId);
  if (fetched === 'gone') return { outcome: 'message_gone' };
  const skip = skipReason(fetched.labelIds);
  if (skip) {
    deps.log.debug({ mailboxId: mailbox.id, reason: skip }, 'message skipped');
    return { outcome: 'skipped' };
  }
  const parsed = await parseMail(fetched.raw, deps.limits);
  const result = await handleParsed(deps, { mailbox, providerMessageId: job.providerMessageId, fetched, parsed });
  if (result.outcome === 'ticket_created' && fetched.threadId) {
    await adoptPendingOutbound(deps.mail, deps.limits, mailbox, fetched.threadId, (c) => handleParsed(deps, c));
  }
  return result;
}

/** A parsed message through guard, spam filter and threading; also how suppressed mail is replayed. */
export async function handleParsed(
  deps: Omit<IngestDeps, 'mailboxes' | 'sourceFor' | 'limits'>,
  c: MessageContext,
  opts: { bypassGuard?: boolean } = {},
): Promise<IngestResult> {
  const plan = deps.mail.plan(c, opts);
  if (plan.kind === 'tombstoned') return { outcome: 'tombstoned' };
  if (plan.kind === 'suppress') return suppressedResult(deps.mail, c, plan.finding);
  // The team's own replies and bounces are never judged, so they are never learned as ham or spam.
  const judgement = plan.kind === 'inbound' && deps.spam ? await deps.spam.judge(c.fetched.raw, c.fetched.labelIds) : null;
  if (judgement?.verdict === 'spam') return quarantine(deps, c.mailbox.id, c, c.fetched, c.parsed, judgement);
  return writeTicket(deps, c.mailbox.id, c, c.fetched, c.parsed, judgement, { mail: deps.mail, plan, context: c });
}

export function writeTicket(
  deps: Pick<IngestDeps, 'tickets'>,
  mailboxId: number,
  job: Pick<IngestJobData, 'providerMessageId'>,
  fetched: Pick<FetchedMessage, 'threadId' | 'internalDate'>,
  parsed: ParsedMessage,
  judgement: SpamJudgement | null,
  handling?: { mail: MailHandling; plan: Plan; context: MessageContext },
): IngestResult {
  const receivedAt = fetched.internalDate ?? Date.now();
  const body = handling ? handling.mail.body(parsed) : { text: parsed.text, quotedText: '', html: parsed.html };
  const placement = handling ? handling.mail.placement(handling.context, handling.plan, receivedAt) : undefined;
  const direction = handling?.plan.kind === 'outbound' ? 'outbound' : 'inbound';
  const result = deps.tickets.write(
    {
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
      receivedAt,
      text: body.text,
      quotedText: body.quotedText,
      html: body.html,
      htmlSafe: handling !== undefined,
      direction,
      guardClass: handling?.plan.kind === 'bounce' ? 'bounce' : null,
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
        contentId: a.contentId,
        inline: a.inline,
      })),
    },
    placement?.place,
  );
  if (result.refused && handling && placement) {
    const finding = placement.refusal() ?? { class: 'outbound_pending', reason: "sent by the mailbox; in no ticket's thread yet" };
    return suppressedResult(handling.mail, handling.context, finding);
  }
  const added = handling?.plan.kind === 'bounce' ? 'bounce_attached' : 'message_added';
  return {
    direction,
    outcome: result.duplicate ? 'duplicate' : result.createdTicket ? 'ticket_created' : added,
    ticketId: result.ticketId,
    messageId: result.messageId,
    subject: parsed.subject,
    fromAddress: parsed.from?.address ?? '',
  };
}

function quarantine(
  deps: Pick<IngestDeps, 'quarantine'>,
  mailboxId: number,
  job: Pick<IngestJobData, 'providerMessageId'>,
  fetched: Pick<FetchedMessage, 'threadId' | 'raw'>,
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
