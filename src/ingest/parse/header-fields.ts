// Reads every header-derived field of a ParsedMessage from raw header lines. Both the full parse
// and the fallback go through here, so a message's headers read the same whichever path ran.

import libmime from 'libmime';
import { readAddressList, readFirstAddress } from './addresses.js';
import type { HeaderLine } from './header-block.js';
import { readMailDate } from './mail-date.js';
import { readFirstMessageId, readMessageIds } from './message-ids.js';
import type { Address, ParsedMessage } from './parsed-message.js';
import { decodeHeaderBytes, stripNul, unfold } from './text-clean.js';

export type HeaderFields = Pick<
  ParsedMessage,
  'messageId' | 'inReplyTo' | 'references' | 'subject' | 'from' | 'replyTo' | 'to' | 'cc' | 'date' | 'headers' | 'problems'
>;

/** A field name is printable ASCII without space or colon (RFC 5322 section 2.2). */
const FIELD_NAME = /^[!-9;-~]+$/;

/**
 * What a ticket keeps of a hostile header block. Real mail stays far below each (a long thread's
 * subject is a few hundred characters, a big announcement a few hundred recipients, a message a
 * hundred header lines); past them a message is an attack or a mistake, and carrying all of it
 * through threading, the guard and the store cost the daemon tens of MB (hostile-classes test).
 */
export const HEADER_CAPS = { subjectChars: 1000, addressesPerField: 1000, headerLines: 2000 } as const;
/** A subject is decoded from at most this much of its raw value: encoded words only shrink. */
const SUBJECT_RAW_CHARS = HEADER_CAPS.subjectChars * 16;

export function readHeaderFields(lines: readonly HeaderLine[]): HeaderFields {
  const problems: string[] = [];
  const headers = buildHeaderMap(lines);
  if (lines.length > HEADER_CAPS.headerLines) {
    problems.push(`${lines.length} header lines; only the first ${HEADER_CAPS.headerLines} and the standard fields were kept`);
  }
  const first = (name: string): string | undefined => headers.get(name)?.[0];
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
    to: capAddresses('To', readAddressList(headers.get('to')), problems),
    cc: capAddresses('Cc', readAddressList(headers.get('cc')), problems),
    date: date.ms,
    headers,
    problems,
  };
}

/** Fields read after the header block: kept wherever they stand, so junk before them hides nothing. */
const STANDARD_FIELDS = new Set([
  'subject',
  'from',
  'reply-to',
  'to',
  'cc',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'content-type',
  'auto-submitted',
  'precedence',
  'x-autoreply',
  'x-autorespond',
  'x-autoresponder',
  'return-path',
]);

/**
 * Lower-case name -> unfolded values in message order; lines that are not headers are skipped.
 * Past HEADER_CAPS.headerLines only the first value of a standard field is still taken.
 */
export function buildHeaderMap(lines: readonly HeaderLine[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [index, { key, line }] of lines.entries()) {
    if (!FIELD_NAME.test(key)) continue;
    if (index >= HEADER_CAPS.headerLines && (map.has(key) || !STANDARD_FIELDS.has(key))) continue;
    const value = stripNul(decodeHeaderBytes(unfold(line.slice(line.indexOf(':') + 1)))).trim();
    const values = map.get(key);
    if (values === undefined) map.set(key, [value]);
    else values.push(value);
  }
  return map;
}

function decodeSubject(value: string | undefined, problems: string[]): string {
  if (value === undefined) return '';
  let subject: string;
  try {
    subject = stripNul(libmime.decodeWords(value.slice(0, SUBJECT_RAW_CHARS)));
  } catch {
    problems.push('Subject header could not be decoded');
    subject = value;
  }
  if (subject.length <= HEADER_CAPS.subjectChars && value.length <= SUBJECT_RAW_CHARS) return subject;
  problems.push(`Subject longer than ${HEADER_CAPS.subjectChars} characters; shortened`);
  return subject.slice(0, HEADER_CAPS.subjectChars);
}

function capAddresses(field: string, list: Address[], problems: string[]): Address[] {
  if (list.length <= HEADER_CAPS.addressesPerField) return list;
  problems.push(`${field} names ${list.length} addresses; the first ${HEADER_CAPS.addressesPerField} were kept`);
  return list.slice(0, HEADER_CAPS.addressesPerField);
}
