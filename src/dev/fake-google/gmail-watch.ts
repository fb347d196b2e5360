// users.watch and users.stop (SPEC.md §3.7): a watch is kept per user with its topic and
// label filter until its expiration (the fake's clock + 7 days, as Gmail answers).
import { invalidArgument } from './errors.js';
import type { GmailCaller } from './gmail-auth.js';
import type { Reply } from './gmail-messages.js';
import type { FakePush } from './push.js';

export const WATCH_TTL_MS = 7 * 24 * 3600 * 1000;
const TOPIC = /^projects\/[^/]+\/topics\/[^/]+$/;

export function watch(push: FakePush, ttlMs: number, c: GmailCaller, body: Record<string, unknown> | undefined): Reply {
  const topic = body?.topicName;
  if (typeof topic !== 'string' || !TOPIC.test(topic)) return invalidArgument('Invalid topicName');
  const labelIds = body?.labelIds ?? [];
  if (!Array.isArray(labelIds) || labelIds.some((l) => typeof l !== 'string' || !c.box.labels.has(l))) {
    return invalidArgument('Invalid labelIds');
  }
  const behavior = body?.labelFilterBehavior ?? body?.labelFilterAction ?? 'include';
  if (behavior !== 'include' && behavior !== 'exclude') return invalidArgument('Invalid labelFilterBehavior');
  const w = push.watch(c.email, { topicName: topic, labelIds: labelIds as string[], labelFilterBehavior: behavior }, ttlMs);
  return { status: 200, body: { historyId: String(c.box.historyId), expiration: String(w.expiration) } };
}

export function stop(push: FakePush, c: GmailCaller): Reply {
  push.stop(c.email);
  return { status: 204 };
}
