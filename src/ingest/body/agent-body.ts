// The body agents get, computed where the message is parsed (an analyse worker, or inline):
// new text apart from the quoted reply chain, and sanitised HTML. sanitize-html on a hostile
// document (200k nested elements) needs well over 100 MB, which a worker's bounded heap
// contains and the thread serving HTTP must never spend. Bodies past the caps are cut, with
// the problem recorded: no person writes a megabyte of text, and carrying 30 MB through the
// store, the events and the webhooks costs the daemon hundreds of MB.
import type { ParsedMessage } from '../parse/parsed-message.js';
import type { HtmlOptions } from '../mail-options.js';
import { splitQuote } from './split-quote.js';
import { sanitiseHtml } from './sanitise-html.js';

export interface AgentBody {
  text: string;
  quotedText: string;
  /** Sanitised; null when the message has no HTML part. */
  html: string | null;
}

/**
 * htmlTags counts '<' (an upper bound on tags): sanitize-html keeps a frame per open element,
 * so a deep document costs memory in proportion; a real newsletter has a few thousand.
 */
export const BODY_CAPS = { textChars: 1_000_000, htmlChars: 2_000_000, htmlTags: 100_000 } as const;

/** The message with its text and HTML cut to BODY_CAPS, each cut recorded in `problems`. */
export function capBodies(message: ParsedMessage): ParsedMessage {
  const cuts: string[] = [];
  const cut = (value: string, cap: number, what: string): string => {
    if (value.length <= cap) return value;
    cuts.push(`${what} of ${value.length} characters; the ticket keeps the first ${cap}`);
    return value.slice(0, cap);
  };
  const text = cut(message.text, BODY_CAPS.textChars, 'text body');
  let html = message.html === null ? null : cut(message.html, BODY_CAPS.htmlChars, 'HTML body');
  if (html !== null && countOf(html, '<') > BODY_CAPS.htmlTags) {
    cuts.push(`HTML body has more than ${BODY_CAPS.htmlTags} tags; only its text is kept`);
    html = null;
  }
  return cuts.length === 0 ? message : { ...message, text, html, problems: [...message.problems, ...cuts] };
}

export function agentBody(parsed: ParsedMessage, options: HtmlOptions): AgentBody {
  const { text, quotedText } = splitQuote(parsed.text);
  return { text, quotedText, html: parsed.html === null ? null : sanitiseHtml(parsed.html, options) };
}

function countOf(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n++;
  return n;
}
