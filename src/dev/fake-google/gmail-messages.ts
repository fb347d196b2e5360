// Handlers for users.messages.* and users.getProfile over a caller's mailbox.
import { insufficientPermissions, invalidArgument, notFound, type GmailError } from './errors.js';
import type { GmailCaller } from './gmail-auth.js';
import { parseQuery } from './gmail-query.js';
import type { StoredMessage } from './mailbox-state.js';
import { parseEntity, findEntity, paddedBase64Url } from './mime-payload.js';
import { isMessageFormat, messageRef, partIdFromAttachmentId, renderMessage } from './message-view.js';
import { isMetadataOnly } from './scopes.js';
import { maxResultsOf } from './max-results.js';

export type Reply = { status: number; body?: unknown } | GmailError;

export function getProfile(c: GmailCaller): Reply {
  return {
    status: 200,
    body: {
      emailAddress: c.email,
      messagesTotal: c.box.messages.size,
      threadsTotal: c.box.threadCount,
      historyId: String(c.box.historyId),
    },
  };
}

/** Newest first: internalDate, then arrival order. */
const newestFirst = (a: StoredMessage, b: StoredMessage): number => b.internalDate - a.internalDate || b.seq - a.seq;

const cursorOf = (m: StoredMessage): string => Buffer.from(`m${m.internalDate}:${m.seq}`).toString('base64url');

export function listMessages(c: GmailCaller, p: URLSearchParams): Reply {
  const q = p.get('q');
  if (q && isMetadataOnly(c.scopes)) return insufficientPermissions("Metadata scope does not support 'q' parameter");
  const query = q ? parseQuery(q, c.box.labels) : undefined;
  if (typeof query === 'string') return invalidArgument(query);
  const labelIds = p.getAll('labelIds');
  const hideSpamTrash =
    p.get('includeSpamTrash') !== 'true' && !query?.mentionsSpamTrash && !labelIds.includes('SPAM') && !labelIds.includes('TRASH');
  const matches = [...c.box.messages.values()].filter(
    (m) =>
      labelIds.every((l) => m.labelIds.includes(l)) &&
      !(hideSpamTrash && (m.labelIds.includes('SPAM') || m.labelIds.includes('TRASH'))) &&
      (!query || query.test(m)),
  );
  matches.sort(newestFirst);
  let start = 0;
  const token = p.get('pageToken');
  if (token) {
    const m = /^m(\d+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!m) return invalidArgument('Invalid pageToken');
    const cursor = { internalDate: Number(m[1]), seq: Number(m[2]) } as StoredMessage;
    start = matches.findIndex((x) => newestFirst(cursor, x) < 0);
    if (start < 0) start = matches.length;
  }
  const max = maxResultsOf(p);
  if (typeof max === 'string') return invalidArgument(max);
  const page = matches.slice(start, start + max);
  const body: Record<string, unknown> = {};
  if (page.length) body.messages = page.map(messageRef);
  const last = page[page.length - 1];
  if (last && start + max < matches.length) body.nextPageToken = cursorOf(last);
  body.resultSizeEstimate = matches.length;
  return { status: 200, body };
}

export function getMessage(c: GmailCaller, id: string, p: URLSearchParams): Reply {
  const format = p.get('format') ?? 'full';
  if (!isMessageFormat(format)) return invalidArgument(`Invalid value at 'format' (${format})`);
  if ((format === 'raw' || format === 'full') && isMetadataOnly(c.scopes)) {
    return insufficientPermissions(`Metadata scope doesn't allow format ${format.toUpperCase()}`);
  }
  const msg = c.box.messages.get(id);
  if (!msg) return notFound();
  return { status: 200, body: renderMessage(msg, format, p.getAll('metadataHeaders')) };
}

export function getAttachment(c: GmailCaller, id: string, attachmentId: string): Reply {
  if (isMetadataOnly(c.scopes)) return insufficientPermissions();
  const msg = c.box.messages.get(id);
  const partId = msg ? partIdFromAttachmentId(attachmentId, msg.id) : undefined;
  const part = msg && partId !== undefined ? findEntity(parseEntity(msg.raw), partId) : undefined;
  if (!part) return notFound();
  return { status: 200, body: { size: part.content.length, data: paddedBase64Url(part.content) } };
}

function labelLists(body: Record<string, unknown> | undefined): { add: string[]; remove: string[] } | string {
  const add = body?.addLabelIds ?? [];
  const remove = body?.removeLabelIds ?? [];
  const isList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (!isList(add) || !isList(remove)) return 'Invalid JSON payload received.';
  if (add.length > 100 || remove.length > 100) return 'Too many label ids (max 100)';
  return { add, remove };
}

export function modifyMessage(c: GmailCaller, id: string, body: Record<string, unknown> | undefined): Reply {
  const lists = labelLists(body);
  if (typeof lists === 'string') return invalidArgument(lists);
  const result = c.box.modify(id, lists.add, lists.remove);
  if (result === undefined) return notFound();
  if (typeof result === 'string') return invalidArgument(result);
  return { status: 200, body: { id: result.id, threadId: result.threadId, labelIds: [...result.labelIds] } };
}

export function batchModify(c: GmailCaller, body: Record<string, unknown> | undefined): Reply {
  const ids = body?.ids;
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) return invalidArgument('ids is required');
  if (ids.length > 1000) return invalidArgument('Number of ids cannot exceed 1000');
  const lists = labelLists(body);
  if (typeof lists === 'string') return invalidArgument(lists);
  for (const id of ids) {
    const result = c.box.modify(id, lists.add, lists.remove); // unknown ids are not an error
    if (typeof result === 'string') return invalidArgument(result);
  }
  return { status: 204 };
}
