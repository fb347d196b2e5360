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
import type { Analyse, Analysis } from './analyse.js';
import type { ParseLimits } from './parse/parse-mail.js';
import type { IngestResult } from './ingest-result.js';
import { landMessage } from './land-message.js';
import { skipReason } from './skip-rules.js';
import { traceIdFor } from './trace-id.js';
import type { MailHandling, MessageContext, Plan } from './mail-handling.js';
import { adoptPendingOutbound, suppressedResult } from './placed-write.js';
import { fetchThroughGate } from './mailbox-gate.js';
import { releaseLargeMessage } from './release-large.js';
import { landedAs } from './landed.js';
import type { Shipped } from './shipped.js';

export type { IngestOutcome, IngestResult } from './ingest-result.js';

export interface IngestDeps {
  mailboxes: MailboxRepo;
  tickets: TicketRepo;
  quarantine: QuarantineRepo;
  poison: PoisonRepo;
  sourceFor: (mailbox: Mailbox) => MailSource;
  /** parse + classify: the worker pool, or inlineAnalyse() on this thread */
  analyse: Analyse;
  /** for the parses of kept mail replayed on this thread (pending sent mail) */
  limits: ParseLimits;
  log: Logger;
  /** Guard, threading, sanitising, tombstones (issue 15). */
  mail: MailHandling;
}

/**
 * One message through the pipeline. `shipped` is what a remote worker already fetched and
 * analysed (docs/scaling.md): it stands in for the fetch and, for those bytes, the analysis;
 * everything else (dedupe, tombstones, the guard, the write) runs here as for a local fetch.
 */
export async function ingestMessage(deps: IngestDeps, job: IngestJobData, shipped?: Shipped): Promise<IngestResult> {
  const mailbox = deps.mailboxes.get(job.mailboxId);
  if (!mailbox) return { outcome: 'mailbox_gone' };
  // Cheap checks first: a re-enqueued message costs no Gmail quota.
  const landed = landedAs(deps, mailbox.id, job.providerMessageId);
  if (landed !== null && landed !== 'poison') {
    if (job.replay) deps.poison.remove(mailbox.id, job.providerMessageId);
    return { outcome: landed === 'tombstoned' ? 'tombstoned' : 'duplicate' };
  }
  // A poison entry has landed too; only a replay runs it again, from the bytes it keeps.
  if (landed === 'poison' && !job.replay) return { outcome: 'duplicate' };
  const kept = landed === 'poison' ? deps.poison.findByMessage(mailbox.id, job.providerMessageId) : undefined;
  const fetched = kept
    ? { raw: kept.raw, threadId: kept.providerThreadId, labelIds: kept.labelIds, internalDate: kept.internalDate }
    : shipped
      ? shipped.fetched
      : await fetchThroughGate(deps, mailbox, job.providerMessageId);
  if (fetched === 'gone') return { outcome: 'message_gone' };
  const skip = skipReason(fetched.labelIds);
  if (skip) {
    deps.log.debug({ mailboxId: mailbox.id, reason: skip }, 'message skipped');
    return { outcome: 'skipped' };
  }
  const context = (analysis: Analysis): MessageContext => ({
    mailbox,
    providerMessageId: job.providerMessageId,
    fetched,
    parsed: analysis.message,
    ...(analysis.body ? { body: analysis.body } : {}),
  });
  // A remote worker's analysis stands in for this message's own; nothing is copied otherwise.
  const landDeps =
    shipped?.analysis && shipped.fetched === fetched
      ? { ...deps, analyse: reuseAnalysis(deps.analyse, fetched.raw, shipped.analysis) }
      : deps;
  const result = await landMessage(landDeps, mailbox.id, job, fetched, (analysis) => decide(deps, context(analysis), analysis.judgement));
  releaseLargeMessage(fetched.raw.length);
  if (kept && result.outcome !== 'poisoned') deps.poison.remove(mailbox.id, job.providerMessageId);
  if (result.outcome === 'ticket_created' && fetched.threadId) {
    await adoptPendingOutbound(deps.mail, deps.limits, mailbox, fetched.threadId, (c) => handleParsed(deps, c));
  }
  return result;
}

/** The worker's analysis for its own bytes; any other message (a fallback, pending sent mail) is analysed here. */
function reuseAnalysis(analyse: Analyse, raw: Buffer, analysis: Analysis): Analyse {
  return (bytes, labelIds) => (bytes === raw ? Promise.resolve(analysis) : analyse(bytes, labelIds));
}

/**
 * A parsed and judged message through the guard's plan, then quarantine or the ticket write.
 * Synchronous, so landMessage can fall back to a smaller ticket or a poison entry when it throws.
 */
export function decide(
  deps: Pick<IngestDeps, 'mail' | 'tickets' | 'quarantine'>,
  c: MessageContext,
  judged: SpamJudgement | null,
  opts: { bypassGuard?: boolean } = {},
): IngestResult {
  const plan = deps.mail.plan(c, opts);
  if (plan.kind === 'tombstoned') return { outcome: 'tombstoned' };
  if (plan.kind === 'duplicate') return { outcome: 'duplicate' };
  if (plan.kind === 'suppress') return suppressedResult(deps.mail, c, plan.finding);
  // The team's own replies and bounces are never judged, so they are never learned as ham or spam.
  const judgement = plan.kind === 'inbound' ? judged : null;
  if (judgement?.verdict === 'spam') return quarantine(deps, c.mailbox.id, c, c.fetched, c.parsed, judgement);
  return writeTicket(deps, c.mailbox.id, c, c.fetched, c.parsed, judgement, { mail: deps.mail, plan, context: c });
}

/** Replays of kept mail (suppressed entries, sent mail waiting for its ticket): judged again from the raw bytes. */
export async function handleParsed(
  deps: Pick<IngestDeps, 'mail' | 'tickets' | 'quarantine' | 'analyse'>,
  c: MessageContext,
  opts: { bypassGuard?: boolean } = {},
): Promise<IngestResult> {
  const { judgement, body } = await deps.analyse(c.fetched.raw, c.fetched.labelIds);
  return decide(deps, body ? { ...c, body } : c, judgement, opts);
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
  const body = handling ? (handling.context.body ?? handling.mail.body(parsed)) : { text: parsed.text, quotedText: '', html: parsed.html };
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
