// Gmail's threading rule for an arriving message: it joins the thread of a
// message it names in In-Reply-To/References, if the subjects agree once
// Re:/Fwd: prefixes are stripped. Otherwise it starts its own thread.
import { headerValue, type Header } from './mime-headers.js';

interface ThreadSource {
  byMessageId: ReadonlyMap<string, string>;
  messages: ReadonlyMap<string, { threadId: string; headers: Header[] }>;
}

export function messageIdsIn(value: string | undefined): string[] {
  return (value?.match(/<[^<>\s]+>/g) ?? []).map((s) => s.toLowerCase());
}

export function normalizeSubject(subject: string | undefined): string {
  let s = (subject ?? '').trim();
  for (;;) {
    // List tags ("[Python-Dev] ") come and go between a post and its replies.
    const next = s
      .replace(/^\[[^\]]*\]\s*/, '')
      .replace(/^(re|fwd?|aw|wg|sv|tr)(\[\d+\])?\s*:\s*/i, '')
      .trim();
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').toLowerCase();
}

export function findThread(box: ThreadSource, headers: Header[]): string | undefined {
  const refs = [...messageIdsIn(headerValue(headers, 'in-reply-to')), ...messageIdsIn(headerValue(headers, 'references')).reverse()];
  const subject = normalizeSubject(headerValue(headers, 'subject'));
  for (const ref of refs) {
    const gmailId = box.byMessageId.get(ref);
    const parent = gmailId === undefined ? undefined : box.messages.get(gmailId);
    if (parent && normalizeSubject(headerValue(parent.headers, 'subject')) === subject) return parent.threadId;
  }
  return undefined;
}
