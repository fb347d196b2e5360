// Reads every header-derived field of a ParsedMessage from raw header lines. Both the full parse
// and the fallback go through here, so a message's headers read the same whichever path ran.

import libmime from 'libmime';
import { readAddressList, readFirstAddress } from './addresses.js';
import type { HeaderLine } from './header-block.js';
import { readMailDate } from './mail-date.js';
import { readFirstMessageId, readMessageIds } from './message-ids.js';
import type { ParsedMessage } from './parsed-message.js';
import { decodeHeaderBytes, stripNul, unfold } from './text-clean.js';

export type HeaderFields = Pick<
  ParsedMessage,
  'messageId' | 'inReplyTo' | 'references' | 'subject' | 'from' | 'replyTo' | 'to' | 'cc' | 'date' | 'headers' | 'problems'
>;

/** A field name is printable ASCII without space or colon (RFC 5322 section 2.2). */
const FIELD_NAME = /^[!-9;-~]+$/;

export function readHeaderFields(lines: readonly HeaderLine[]): HeaderFields {
  const headers = buildHeaderMap(lines);
  const first = (name: string): string | undefined => headers.get(name)?.[0];
  const problems: string[] = [];
  const date = readMailDate(first('date'));
  if (date.problem !== null) problems.push(date.problem);
  const from = readFirstAddress(headers.get('from'));
  if (from !== null && from.address === '') problems.push('From header has no readable address');
  return {
    messageId: readFirstMessageId(first('message-id')),
    inReplyTo: readFirstMessageId(first('in-reply-to')),
    references: readMessageIds((headers.get('references') ?? []).join(' ')),
    subject: decodeSubject(first('subject'), problems),
    from,
    replyTo: readFirstAddress(headers.get('reply-to')),
    to: readAddressList(headers.get('to')),
    cc: readAddressList(headers.get('cc')),
    date: date.ms,
    headers,
    problems,
  };
}

/** Lower-case name -> unfolded values in message order; lines that are not headers are skipped. */
export function buildHeaderMap(lines: readonly HeaderLine[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of lines) {
    if (!FIELD_NAME.test(key)) continue;
    const value = stripNul(decodeHeaderBytes(unfold(line.slice(line.indexOf(':') + 1)))).trim();
    const values = map.get(key);
    if (values === undefined) map.set(key, [value]);
    else values.push(value);
  }
  return map;
}

function decodeSubject(value: string | undefined, problems: string[]): string {
  if (value === undefined) return '';
  try {
    return stripNul(libmime.decodeWords(value));
  } catch {
    problems.push('Subject header could not be decoded');
    return value;
  }
}
