// Where a parsed message goes after the guard and threading have spoken: a new ticket, an
// append (inbound or the team's own outbound reply), a bounce attached to the ticket of the
// mail it reports on, or the suppressed list with a reason. The decisions are the pure
// modules' (guard/, threading/, body/); this shell asks the store and writes.
import type { Db } from '../store/database.js';
import type { ThreadChoice } from '../store/ticket-repo.js';
import { ThreadLookupRepo } from '../store/thread-lookup-repo.js';
import { SuppressedRepo } from '../store/suppressed-repo.js';
import { TombstoneRepo } from '../store/tombstone-repo.js';
import type { FetchedMessage } from '../sources/mail-source.js';
import type { ParsedMessage } from './parse/parsed-message.js';
import type { MailHandlingOptions } from './mail-options.js';
import { classifyMachineMail, rateLimitFinding, type GuardFinding } from './guard/machine-mail.js';
import { decideThread, type ThreadInput } from './threading/decide-thread.js';
import { ticketTagPattern } from './threading/ticket-tag.js';
import { agentBody, type AgentBody } from './body/agent-body.js';

/** Sent mail that arrived before the ticket of its thread: kept until that ticket opens. */
export const OUTBOUND_PENDING = 'outbound_pending';

export type Plan =
  | { kind: 'tombstoned' }
  | { kind: 'duplicate' }
  | { kind: 'inbound'; breaker: boolean }
  | { kind: 'outbound' }
  | { kind: 'bounce'; ticketId: number; finding: GuardFinding }
  | { kind: 'suppress'; finding: GuardFinding };

export interface MessageContext {
  mailbox: { id: number; email: string; source?: string };
  providerMessageId: string;
  fetched: Pick<FetchedMessage, 'raw' | 'threadId' | 'labelIds' | 'internalDate'>;
  parsed: ParsedMessage;
  /** The agent-facing body, when the analyser computed it off this thread (analyse.ts). */
  body?: AgentBody;
}

export class MailHandling {
  readonly lookups: ThreadLookupRepo;
  readonly suppressed: SuppressedRepo;
  readonly tombstones: TombstoneRepo;
  readonly options: MailHandlingOptions;
  private readonly tagPattern: RegExp;

  constructor(db: Db, options: MailHandlingOptions) {
    this.lookups = new ThreadLookupRepo(db);
    this.suppressed = new SuppressedRepo(db);
    this.tombstones = new TombstoneRepo(db);
    this.options = options;
    this.tagPattern = ticketTagPattern(options.threading.ticketTagFormat);
  }

  /** Known without parsing: deleted by an agent, or already held as machine mail. */
  alreadyHandled(mailboxId: number, providerMessageId: string): 'tombstoned' | 'suppressed' | null {
    if (this.tombstones.has(mailboxId, providerMessageId)) return 'tombstoned';
    return this.suppressed.has(mailboxId, providerMessageId) ? 'suppressed' : null;
  }

  /** Everything decided before the spam filter: tombstones, direction, the guard, bounces. */
  plan(c: MessageContext, opts: { bypassGuard?: boolean } = {}): Plan {
    const { parsed, mailbox } = c;
    if (parsed.messageId && this.tombstones.hasMessageId(mailbox.id, parsed.messageId)) return { kind: 'tombstoned' };
    // A renumbered IMAP folder (new UIDVALIDITY) is listed again under new ids: the Message-ID
    // tells a message already stored. (A Gmail message keeps its id, so Gmail needs no such check.)
    if (mailbox.source === 'imap' && parsed.messageId && this.lookups.ticketByMessageId(mailbox.id, parsed.messageId) !== undefined) {
      return { kind: 'duplicate' };
    }
    if (c.fetched.labelIds.includes('SENT')) return { kind: 'outbound' };
    // An agent's release overrides the guard and the breaker alike.
    if (opts.bypassGuard) return { kind: 'inbound', breaker: false };
    const finding = classifyMachineMail(parsed, mailbox.email, this.options.guard);
    if (!finding) return { kind: 'inbound', breaker: true };
    if (finding.class === 'bounce' && this.options.guard.bounce === 'attach') {
      for (const id of finding.originalMessageIds ?? []) {
        const ticketId = this.lookups.ticketByMessageId(mailbox.id, id);
        if (ticketId !== undefined) return { kind: 'bounce', ticketId, finding };
      }
      return { kind: 'suppress', finding: { ...finding, reason: `${finding.reason}; the reported message is in no ticket` } };
    }
    return { kind: 'suppress', finding };
  }

  /**
   * The placement run inside the ticket write's transaction: threading, then (for a message
   * that would open a ticket) the loop breaker. `refusal` says why it returned null.
   */
  placement(c: MessageContext, plan: Plan, receivedAt: number): { place: () => ThreadChoice | null; refusal: () => GuardFinding | null } {
    let refusal: GuardFinding | null = null;
    const place = (): ThreadChoice | null => {
      if (plan.kind === 'bounce') return { ticketId: plan.ticketId, rule: 'bounce', subjectKey: '' };
      const input = threadInput(c, plan.kind === 'outbound' ? 'outbound' : 'inbound', receivedAt);
      const d = decideThread(input, this.lookups, {
        subjectWindowHours: this.options.threading.subjectWindowHours,
        tagPattern: this.tagPattern,
      });
      if (d.ticketId !== null || plan.kind !== 'inbound') return d.ticketId === null ? null : d;
      refusal = plan.breaker ? this.breaker(input) : null;
      return refusal ? null : d;
    };
    return { place, refusal: () => refusal };
  }

  private breaker(m: ThreadInput): GuardFinding | null {
    if (m.fromAddress === '') return null;
    const windowMs = this.options.guard.rateLimit.windowMinutes * 60_000;
    const opened = this.lookups.ticketsOpenedBy(m.mailboxId, m.fromAddress, m.receivedAt - windowMs, m.receivedAt);
    return rateLimitFinding(opened, this.options.guard);
  }

  /** The body agents get: sanitised HTML, new text apart from the quoted reply chain. */
  body(parsed: ParsedMessage): AgentBody {
    return agentBody(parsed, this.options.html);
  }

  suppress(c: MessageContext, finding: GuardFinding | { class: string; reason: string }): { duplicate: boolean } {
    return this.suppressed.add({
      mailboxId: c.mailbox.id,
      providerMessageId: c.providerMessageId,
      providerThreadId: c.fetched.threadId,
      messageIdHeader: c.parsed.messageId,
      fromAddress: c.parsed.from?.address ?? '',
      subject: c.parsed.subject,
      guardClass: finding.class,
      reason: finding.reason,
      labelIds: c.fetched.labelIds,
      internalDate: c.fetched.internalDate,
      raw: c.fetched.raw,
    });
  }

  /** Sent mail of this thread that came before its ticket, now adoptable. */
  pendingOutbound(mailboxId: number, providerThreadId: string): number[] {
    return this.suppressed.pendingIn(mailboxId, providerThreadId, OUTBOUND_PENDING);
  }
}

function threadInput(c: MessageContext, direction: 'inbound' | 'outbound', receivedAt: number): ThreadInput {
  return {
    mailboxId: c.mailbox.id,
    providerThreadId: c.fetched.threadId,
    inReplyTo: c.parsed.inReplyTo,
    references: c.parsed.references,
    subject: c.parsed.subject,
    fromAddress: c.parsed.from?.address ?? '',
    receivedAt,
    direction,
  };
}
