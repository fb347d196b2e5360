// Handlers for users.labels.* (list/get/create/delete).
import { randomInt } from 'node:crypto';
import { gmailError, invalidArgument, notFound } from './errors.js';
import type { GmailCaller } from './gmail-auth.js';
import type { Reply } from './gmail-messages.js';
import type { Label } from './labels.js';

const MAX_LABELS = 10_000;

export function listLabels(c: GmailCaller): Reply {
  return { status: 200, body: { labels: [...c.box.labels.values()].map(({ color: _c, ...l }) => l) } };
}

export function getLabel(c: GmailCaller, id: string): Reply {
  const label = c.box.labels.get(id);
  if (!label) return notFound();
  let messagesTotal = 0;
  let messagesUnread = 0;
  const threads = new Set<string>();
  const unreadThreads = new Set<string>();
  for (const m of c.box.messages.values()) {
    if (!m.labelIds.includes(id)) continue;
    messagesTotal++;
    threads.add(m.threadId);
    if (m.labelIds.includes('UNREAD')) {
      messagesUnread++;
      unreadThreads.add(m.threadId);
    }
  }
  return {
    status: 200,
    body: { ...label, messagesTotal, messagesUnread, threadsTotal: threads.size, threadsUnread: unreadThreads.size },
  };
}

export function createLabel(c: GmailCaller, body: Record<string, unknown> | undefined): Reply {
  const name = typeof body?.name === 'string' ? body.name.trim() : '';
  if (!name) return invalidArgument('Invalid label name');
  const taken = [...c.box.labels.values()].some((l) => l.name.toLowerCase() === name.toLowerCase());
  if (taken) return gmailError(409, 'duplicate', 'Label name exists or conflicts');
  if (c.box.labels.size >= MAX_LABELS) return invalidArgument('Too many labels');
  let id: string;
  do id = `Label_${randomInt(1, 2 ** 40)}`;
  while (c.box.labels.has(id));
  const label: Label = {
    id,
    name,
    type: 'user',
    messageListVisibility: body?.messageListVisibility === 'hide' ? 'hide' : 'show',
    labelListVisibility: visibility(body?.labelListVisibility),
  };
  c.box.labels.set(id, label);
  c.box.bumpHistoryId();
  return { status: 200, body: label };
}

function visibility(v: unknown): NonNullable<Label['labelListVisibility']> {
  return v === 'labelHide' || v === 'labelShowIfUnread' ? v : 'labelShow';
}

export function deleteLabel(c: GmailCaller, id: string): Reply {
  const label = c.box.labels.get(id);
  if (!label) return notFound();
  if (label.type === 'system') return invalidArgument('Invalid delete request');
  for (const m of c.box.messages.values()) {
    if (m.labelIds.includes(id)) c.box.modify(m.id, [], [id]);
  }
  c.box.labels.delete(id);
  c.box.bumpHistoryId();
  return { status: 204 };
}
