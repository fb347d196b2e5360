// users.history.list over a mailbox's history log: validation of startHistoryId,
// the retention floor (404 → full sync), type/label filters and paging.
import { invalidArgument, notFound, type GmailError } from './errors.js';
import type { HistoryRecord, Mailbox } from './mailbox-state.js';
import { maxResultsOf } from './max-results.js';

const TYPES = ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'] as const;
type HistoryType = (typeof TYPES)[number];

const typeOf = (r: HistoryRecord): HistoryType =>
  r.added ? 'messageAdded' : r.deleted ? 'messageDeleted' : r.labelsAdded ? 'labelAdded' : 'labelRemoved';

function kinds(r: HistoryRecord): HistoryType[] {
  const out: HistoryType[] = [typeOf(r)];
  if (r.labelsAdded && r.labelsRemoved) out.push('labelRemoved');
  return out;
}

function render(r: HistoryRecord, types: readonly HistoryType[] | undefined): Record<string, unknown> {
  const wants = (t: HistoryType): boolean => !types || types.includes(t);
  const message = { ...r.message, labelIds: [...r.message.labelIds] };
  const out: Record<string, unknown> = { id: String(r.id), messages: [{ id: r.message.id, threadId: r.message.threadId }] };
  if (r.added && wants('messageAdded')) out.messagesAdded = [{ message }];
  if (r.deleted && wants('messageDeleted')) out.messagesDeleted = [{ message }];
  if (r.labelsAdded && wants('labelAdded')) out.labelsAdded = [{ message, labelIds: r.labelsAdded }];
  if (r.labelsRemoved && wants('labelRemoved')) out.labelsRemoved = [{ message, labelIds: r.labelsRemoved }];
  return out;
}

/** First index whose id is greater than `after` (the log is sorted by id). */
function firstAfter(log: readonly HistoryRecord[], after: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((log[mid]?.id ?? 0) > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function listHistory(box: Mailbox, p: URLSearchParams): Record<string, unknown> | GmailError {
  const startText = p.get('startHistoryId') ?? '';
  if (!/^\d+$/.test(startText)) return invalidArgument('Missing/invalid parameter: startHistoryId');
  const start = Number(startText);
  // Arguments are checked before the history lookup, as Google validates a request first.
  const max = maxResultsOf(p);
  if (typeof max === 'string') return invalidArgument(max);
  if (start < box.minValidHistoryId) return notFound();
  const requested = p.getAll('historyTypes');
  const bad = requested.find((t) => !(TYPES as readonly string[]).includes(t));
  if (bad) return invalidArgument(`Invalid value for historyTypes: ${bad}`);
  const types = requested.length ? (requested as HistoryType[]) : undefined;
  const labelId = p.get('labelId');
  let after = start;
  const token = p.get('pageToken');
  if (token) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (!/^h\d+$/.test(decoded)) return invalidArgument('Invalid pageToken');
    after = Math.max(after, Number(decoded.slice(1)));
  }
  const history: Record<string, unknown>[] = [];
  let i = firstAfter(box.history, after);
  let lastId = after;
  for (; i < box.history.length && history.length < max; i++) {
    const r = box.history[i];
    if (!r) continue;
    lastId = r.id;
    if (types && !kinds(r).some((k) => types.includes(k))) continue;
    if (labelId && !r.message.labelIds.includes(labelId) && !r.labelsAdded?.includes(labelId) && !r.labelsRemoved?.includes(labelId))
      continue;
    history.push(render(r, types));
  }
  const out: Record<string, unknown> = {};
  if (history.length) out.history = history;
  if (i < box.history.length) out.nextPageToken = Buffer.from(`h${lastId}`).toString('base64url');
  out.historyId = String(box.historyId);
  return out;
}
