// Most person-to-person mail is one text/plain part. For such a message, mailparser's streams
// (the splitter, a decoder per part, a setImmediate per chunk, every header decoded and every
// address header parsed) cost most of the ingest worker's time, for a result that a few direct
// calls give. This reads it with the very pieces mailparser is built from (mailsplit's header
// reader, libqp, libmime's charset decoder, mailparser's address parser) and mailparser's own
// rules, so the result equals simpleParser's on every field the spam filter and the ticket read
// (test/unit/spam/plain-text-mail.test.ts compares it with simpleParser and with ingest's
// mailparser pass on every corpus message and on generated variants). Anything else returns null and goes through mailparser.
// Both the filter's training (spamInputFromRaw) and ingest (parse-mail.ts) read mail through it.
import mailsplit from '@zone-eu/mailsplit';
import libmime from 'libmime';
import { decode as decodeFromCharset } from 'libmime/lib/charset.js';
import { decode as decodeQuotedPrintable } from 'libqp';
import { parseAddressHeader } from 'mailparser';
import type { ParsedMail } from 'mailparser';

/** One header line as mailsplit gives it: lower-case key, the raw line with its folding. */
interface HeaderLine {
  key: string;
  line: string;
}

/** What the spam filter's view (spam-input.ts) and the ticket read of simpleParser's result. */
export type SpamMailFields = Pick<ParsedMail, 'headerLines' | 'attachments' | 'subject' | 'from' | 'replyTo' | 'text' | 'html'>;

/** Larger messages stream through mailparser, whose memory use is bounded for any input. */
export const PLAIN_TEXT_MAX_BYTES = 1024 * 1024;
/** Below mailsplit's pending-line size (64 KiB), so no header line is split on its way in. */
const MAX_HEADER_LINE_BYTES = 16 * 1024;
const MAX_HEADER_LINES = 500;

/** Transfer encodings whose decoding is one call; base64 and anything unusual take the full path. */
const IDENTITY_ENCODINGS = new Set(['', '7bit', '8bit', 'binary']);
const QUOTED_PRINTABLE = 'quoted-printable';
/** The charsets mailparser leaves to a plain UTF-8 read (names compared as it does). */
const UTF8_READ = new Set(['ascii', 'usascii', 'utf8']);

const { Headers } = mailsplit;
type Headers = InstanceType<typeof Headers>;

/** The message read as mailparser would, or null when it is not a single plain-text part. */
export function readPlainTextMail(raw: Buffer): SpamMailFields | null {
  try {
    return raw.length > PLAIN_TEXT_MAX_BYTES ? null : readPlainText(raw);
  } catch {
    // Whatever this reading did not expect, the full parser decides (and records).
    return null;
  }
}

function readPlainText(raw: Buffer): SpamMailFields | null {
  const headEnd = headerBlockEnd(raw);
  if (headEnd < 0) return null;
  const headers = new Headers(raw.subarray(0, headEnd));
  const lines = headers.getList() as HeaderLine[];
  if (lines.length > MAX_HEADER_LINES || headers.get('Content-Disposition').length > 0) return null;
  const part = plainTextPart(headers);
  if (part === null) return null;
  const body = raw.subarray(headEnd);
  let decoded = part.encoding === QUOTED_PRINTABLE ? decodeQuotedPrintable(body) : body;
  if (part.flowed && decoded.length > 0) decoded = Buffer.from(libmime.decodeFlowed(decoded.toString('binary'), part.delSp), 'binary');
  // mailparser joins the decoded chunks and normalises line ends; an empty part gives no text.
  const text = decodeCharset(decoded, part.charset).replace(/\r?\n/g, '\n') || undefined;
  const mail: SpamMailFields = { headerLines: lines, attachments: [], ...topFields(lines) };
  if (text !== undefined) mail.text = text;
  return mail;
}

/**
 * Where the body starts: after the first line that is empty ("\n" or "\r\n"), as mailsplit
 * ends a header block. -1 when there is none or a header line is too long to take this path.
 */
function headerBlockEnd(raw: Buffer): number {
  let start = 0;
  for (;;) {
    const lf = raw.indexOf(0x0a, start);
    if (lf < 0 || lf - start > MAX_HEADER_LINE_BYTES) return -1;
    const blank = lf === start || (lf === start + 1 && raw[start] === 0x0d);
    start = lf + 1;
    if (blank) return start;
  }
}

interface PlainTextPart {
  encoding: string;
  /** RFC 3676 format=flowed, undone between the transfer and the charset decoding as mailparser does. */
  flowed: boolean;
  delSp: boolean;
  charset: string;
}

/** mailsplit's reading of the root node's type, encoding and charset, when it is plain text. */
function plainTextPart(headers: Headers): PlainTextPart | null {
  // Without a Content-Type (and, checked above, a Content-Disposition) mailsplit assumes text/plain.
  const contentHeader = headers.get('Content-Type').length > 0 ? headers.getFirst('Content-Type') : 'text/plain';
  const contentType = libmime.parseHeaderValue(contentHeader, { stripComments: true });
  if ((contentType.value || '').toLowerCase().trim() !== 'text/plain') return null;
  const flowed = (contentType.params.format ?? '').toLowerCase().trim() === 'flowed';
  const delSp = flowed && (contentType.params.delsp ?? '').toLowerCase().trim() === 'yes';
  // mailsplit strips comments from the encoding with its own reader; a bare token needs none.
  const encoding = headers.getFirst('Content-Transfer-Encoding').toLowerCase();
  if (!/^[a-z0-9-]*$/.test(encoding) || !(IDENTITY_ENCODINGS.has(encoding) || encoding === QUOTED_PRINTABLE)) return null;
  return { encoding, flowed, delSp, charset: contentType.params.charset || 'utf-8' };
}

/**
 * As mailparser decodes a text part: UTF-8 for the names it trusts, else libmime's decode
 * stream, whose output is documented to equal decode() over the whole input; the stream hands
 * UTF-8 buffers on, so a lone surrogate becomes U+FFFD as it does there.
 */
function decodeCharset(bytes: Buffer, charset: string): string {
  if (UTF8_READ.has(charset.toLowerCase().replace(/[^a-z0-9]+/g, ''))) return bytes.toString();
  return decodeFromCharset(bytes, charset).toWellFormed();
}

/** The top-level fields mailparser copies onto its result that the ticket and the filter read. */
function topFields(lines: readonly HeaderLine[]): Pick<SpamMailFields, 'subject' | 'from' | 'replyTo'> {
  const fields: Pick<SpamMailFields, 'subject' | 'from' | 'replyTo'> = {};
  for (const { key, line } of lines) {
    if (key === 'subject' && fields.subject === undefined) {
      // The first Subject with a value, decoded as mailparser's processHeaders does it.
      const subject = decodeWordsOrKeep(headerValue(line));
      if (subject) fields.subject = subject;
    } else if (key === 'from' && fields.from === undefined) {
      fields.from = parseAddressHeader(headerValue(line));
    } else if (key === 'reply-to' && fields.replyTo === undefined) {
      fields.replyTo = parseAddressHeader(headerValue(line));
    }
  }
  return fields;
}

/** mailparser's value of a header line: unfolded, trimmed, its raw bytes read as UTF-8. */
function headerValue(line: string): string {
  const value = (libmime.decodeHeader(line)?.value ?? '').toString().trim();
  return Buffer.from(value, 'binary').toString();
}

function decodeWordsOrKeep(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}
