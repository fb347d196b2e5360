// The filter's view of one message, and how to build it from raw RFC 822 bytes. Kept apart
// so the trainer, the benchmark and ingest all feed the model exactly the same fields.
import { simpleParser } from 'mailparser';
import type { AddressObject } from 'mailparser';
import { htmlToText } from '../text/html-to-text.js';
import { readPlainTextMail, type SpamMailFields } from './plain-text-mail.js';

export type { SpamMailFields };

export interface SpamInput {
  subject: string;
  text: string;
  html: string;
  /** lower-case header name -> raw values, in message order */
  headers: ReadonlyMap<string, string[]>;
  /** the From address, '' when absent */
  from: string;
  replyTo: string | null;
  /** Gmail label ids (e.g. SPAM, CATEGORY_PROMOTIONS); [] for mail that did not come from Gmail */
  labelIds: readonly string[];
  /** content types of the attachments */
  attachmentTypes: readonly string[];
}

export interface RawExtras {
  labelIds?: readonly string[];
}

/**
 * How the filter's view is parsed, in training and in ingest alike. HTML becomes text through
 * our own linear converter (text/html-to-text.ts), never mailparser's: the ticket needs that
 * reading anyway, and mailparser's builds a DOM of the whole document (5 MB of entities took
 * 200 MB, and ordinary HTML mail cost a second HTML parse per message).
 */
export const SPAM_PARSE_OPTIONS = {
  skipImageLinks: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipHtmlToText: true,
} as const;

export async function spamInputFromRaw(raw: Buffer, extras: RawExtras = {}): Promise<SpamInput> {
  return spamInputFromMail(readPlainTextMail(raw) ?? (await simpleParser(raw, { ...SPAM_PARSE_OPTIONS })), extras);
}

/** The same view from a message already parsed with those options (ingest parses once for all). */
export function spamInputFromMail(parsed: SpamMailFields, extras: RawExtras = {}): SpamInput {
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  // A message whose only body is HTML has no text of its own (mailparser leaves it undefined or
  // blank): its text is the HTML's. Text beside HTML stays as it is; features.ts adds the
  // words only the HTML has.
  const text = parsed.text !== undefined && parsed.text.trim() !== '' ? parsed.text : html ? htmlToText(html) : (parsed.text ?? '');
  return {
    subject: parsed.subject ?? '',
    text,
    html,
    headers: headerMap(parsed.headerLines),
    from: firstAddress(parsed.from) ?? '',
    replyTo: firstAddress(parsed.replyTo),
    labelIds: extras.labelIds ?? [],
    attachmentTypes: parsed.attachments.map((a) => a.contentType.toLowerCase()),
  };
}

export function headerMap(lines: readonly { key: string; line: string }[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const colon = line.indexOf(':');
    const value = (colon >= 0 ? line.slice(colon + 1) : line).replace(/\r?\n[ \t]+/g, ' ').trim();
    const name = key.toLowerCase();
    const list = map.get(name);
    if (list) list.push(value);
    else map.set(name, [value]);
  }
  return map;
}

function firstAddress(field: AddressObject | AddressObject[] | undefined): string | null {
  const obj = Array.isArray(field) ? field[0] : field;
  const address = obj?.value[0]?.address;
  return address ? address.toLowerCase() : null;
}
