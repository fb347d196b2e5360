// What an agent's mark does to the filter, for the REST routes and the admin page: learn the
// label (moving counts if the message was trained otherwise), audit the change, and run the
// caller's ticket step in the same transaction. Tickets and the audit table belong to other
// parts; they come in as small functions so this file stays store-agnostic.
import type Database from 'better-sqlite3';
import type { SpamFilter } from './spam-filter.js';
import type { SpamInput } from './spam-input.js';
import type { SpamLabel } from './spam-verdict.js';

export interface SpamAuditEntry {
  actor: string;
  action: 'spam.learn_spam' | 'spam.learn_ham' | 'spam.quarantine_release' | 'spam.ticket_marked_spam';
  /** e.g. message:42, quarantine:7 — never an address or a body */
  subjectRef: string;
  detail: { docKey: string; previous: SpamLabel | null; ticketId?: number };
}

export interface FeedbackDeps {
  db: Database.Database;
  filter: SpamFilter;
  audit: (entry: SpamAuditEntry) => void;
}

export interface MarkRequest {
  /** msg:<mailboxId>:<providerMessageId>, the key the message is remembered under */
  docKey: string;
  input: SpamInput;
  label: SpamLabel;
  actor: string;
  subjectRef: string;
}

export interface MarkResult {
  label: SpamLabel;
  previous: SpamLabel | null;
  /** false when the message was already trained with this label (nothing moved) */
  changed: boolean;
}

/** PUT /api/messages/:id/verdict {spam|ham}: learn it, audit it. Idempotent. */
export function markMessage(deps: FeedbackDeps, req: MarkRequest): MarkResult {
  return deps.db.transaction(() => learnAndAudit(deps, req, req.label === 'spam' ? 'spam.learn_spam' : 'spam.learn_ham'))();
}

/** Quarantine review "release": the caller makes the ticket, the filter learns ham. */
export function releaseFromQuarantine(
  deps: FeedbackDeps,
  req: Omit<MarkRequest, 'label'>,
  createTicket: () => number,
): MarkResult & { ticketId: number } {
  return deps.db.transaction(() => {
    const ticketId = createTicket();
    const result = learnAndAudit(deps, { ...req, label: 'ham' }, 'spam.quarantine_release', ticketId);
    return { ...result, ticketId };
  })();
}

/** A ticket's message marked spam: the filter learns spam, the caller closes the ticket as spam. */
export function markTicketMessageSpam(
  deps: FeedbackDeps,
  req: Omit<MarkRequest, 'label'> & { ticketId: number },
  closeTicketAsSpam: (ticketId: number) => void,
): MarkResult {
  return deps.db.transaction(() => {
    closeTicketAsSpam(req.ticketId);
    return learnAndAudit(deps, { ...req, label: 'spam' }, 'spam.ticket_marked_spam', req.ticketId);
  })();
}

function learnAndAudit(deps: FeedbackDeps, req: MarkRequest, action: SpamAuditEntry['action'], ticketId?: number): MarkResult {
  const previous = deps.filter.trainedAs(req.docKey);
  const changed = previous !== req.label;
  if (changed) deps.filter.learn(req.docKey, req.input, req.label);
  deps.audit({
    actor: req.actor,
    action,
    subjectRef: req.subjectRef,
    detail: { docKey: req.docKey, previous, ...(ticketId === undefined ? {} : { ticketId }) },
  });
  return { label: req.label, previous, changed };
}
