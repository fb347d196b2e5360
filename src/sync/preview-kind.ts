// What a sampled message looks like, for the backfill preview: spam (the installation's
// filter says so), machine mail (auto-submitted, bulk, mailing list, no-reply senders), a
// reply to an earlier conversation, or a new ticket. Pure; one kind per message, in that order.
import type { ParsedMessage } from '../ingest/parse/parsed-message.js';

export type PreviewKind = 'spam' | 'machine' | 'reply' | 'ticket';

const MACHINE_SENDER = /^(no-?reply|do-?not-?reply|mailer-daemon|postmaster|notifications?|bounces?)[+@.-]/i;

export function looksMachine(p: ParsedMessage): boolean {
  const first = (name: string) => (p.headers.get(name)?.[0] ?? '').trim().toLowerCase();
  const auto = first('auto-submitted');
  if (auto !== '' && auto !== 'no') return true;
  if (/^(bulk|list|junk|auto_reply)$/.test(first('precedence'))) return true;
  if (p.headers.has('list-id') || p.headers.has('list-unsubscribe') || p.headers.has('x-autoreply')) return true;
  return MACHINE_SENDER.test(p.from?.address ?? '');
}

export function looksReply(p: ParsedMessage): boolean {
  return p.inReplyTo !== null || p.references.length > 0 || /^\s*(re|aw|sv|antw)\s*:/i.test(p.subject);
}

export function previewKind(p: ParsedMessage, spamVerdict: 'ham' | 'unsure' | 'spam' | null): PreviewKind {
  if (spamVerdict === 'spam') return 'spam';
  if (looksMachine(p)) return 'machine';
  if (looksReply(p)) return 'reply';
  return 'ticket';
}
