// Which Gmail mail Intake takes (INBOX by default, or a label list; always SENT, the team's
// own replies that ingest keeps as outbound messages; never drafts or chats; SPAM skipped or
// judged) as a messages.list query and as a filter over history records.
// Pure, so the rule is the same for a full sync, a resync and history, and tested alone.

export interface FetchScope {
  /** Label names as the admin sees them ("INBOX", "Support"). */
  labels: readonly string[];
  /** 'skip': mail in Gmail's SPAM is not taken; 'judge': it is, and Intake's filter decides. */
  spam: 'skip' | 'judge';
}

const NEVER = ['DRAFT', 'CHAT'];
/** Mail the mailbox sent is the other side of a ticket's conversation (ingest/mail-handling.ts), whatever the labels. */
const ALWAYS = 'SENT';

function labelTerm(name: string): string {
  if (name.toUpperCase() === 'INBOX') return 'in:inbox';
  if (name.toUpperCase() === ALWAYS) return 'in:sent';
  // Gmail's search writes spaces in label names as dashes.
  return `label:${name.trim().replace(/\s+/g, '-')}`;
}

/** The q of messages.list; afterMs (epoch ms) limits it to mail received since then. */
export function listQuery(scope: FetchScope, afterMs: number | null): string {
  const terms = scope.labels.map(labelTerm);
  terms.push('in:sent');
  if (scope.spam === 'judge') terms.push('in:spam');
  const unique = [...new Set(terms)];
  const which = unique.length === 1 ? (unique[0] ?? 'in:inbox') : `{${unique.join(' ')}}`;
  return afterMs === null ? which : `${which} after:${Math.floor(afterMs / 1000)}`;
}

export interface HistoryChange {
  id: string;
  threadId: string | null;
  /** The message's labels at the time of the record. */
  labelIds: readonly string[];
  /** Labels this record added; null for messageAdded. */
  addedLabels: readonly string[] | null;
}

/**
 * Whether a history record brings a message into scope: a new message with a wanted
 * label, or a label added later (moved into INBOX from SPAM, TRASH or the archive).
 */
export function entersScope(change: HistoryChange, wantedIds: ReadonlySet<string>, spam: FetchScope['spam']): boolean {
  if (change.labelIds.some((l) => NEVER.includes(l))) return false;
  if (spam === 'skip' && change.labelIds.includes('SPAM')) return false;
  const wanted = (ids: readonly string[]) => ids.some((l) => wantedIds.has(l));
  return change.addedLabels === null ? wanted(change.labelIds) : wanted(change.addedLabels);
}

/** Label ids to match in history: system ids as they are, user labels by their resolved id. */
export function wantedLabelIds(scope: FetchScope, idsByName: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>([ALWAYS]);
  for (const name of scope.labels) out.add(idsByName.get(name.toLowerCase()) ?? name.toUpperCase());
  if (scope.spam === 'judge') out.add('SPAM');
  return out;
}

export function needsLabelLookup(scope: FetchScope): boolean {
  return scope.labels.some((l) => l.toUpperCase() !== 'INBOX' && l.toUpperCase() !== ALWAYS);
}
