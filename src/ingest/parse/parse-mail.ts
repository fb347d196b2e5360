// Turns one raw message into a ParsedMessage (and the spam filter's view of it, from the same
// pass) and never throws: whatever mailparser cannot read is recorded in `problems` and the rest
// is kept, because one bad message must not stop a mailbox.

import { toParsedAttachment } from './attachments.js';
import { findCharsetProblems } from './charset-problems.js';
import { splitHeaderLines } from './header-block.js';
import { readHeaderFields } from './header-fields.js';
import type { HeaderFields } from './header-fields.js';
import { htmlToText } from '../../text/html-to-text.js';
import type { ParsedMessage } from './parsed-message.js';
import { stripNul } from './text-clean.js';
import { INLINE_PART_MAX_BYTES, readMime, type MimeRead, type ReadMail } from './mime-read.js';
import { findShapeProblems } from './shape-problems.js';
import { spamInputFromMail, type SpamInput } from '../../spam/spam-input.js';
import { readPlainTextMail } from '../../spam/plain-text-mail.js';

export interface ParseLimits {
  maxAttachmentBytes: number;
  maxMessageBytes: number;
}

export const MESSAGE_OVER_CAP = 'message exceeds ingest.maxMessageBytes';
export const MIME_UNREADABLE = 'MIME structure unreadable; body and attachments skipped';

/** One parse: the ticket's message, and the filter's input (null when the message was not read whole). */
export interface ParseResult {
  message: ParsedMessage;
  spamInput: SpamInput | null;
}

/**
 * One reading of the MIME tree feeds both: a single plain-text part read directly
 * (spam/plain-text-mail.ts), anything else one mailparser pass (mime-read.ts). HTML becomes
 * text through our own linear htmlToText, for the ticket and the filter alike; attachments
 * hashed by us.
 */
export async function parseMessage(raw: Buffer, limits: ParseLimits, labelIds: readonly string[] = []): Promise<ParseResult> {
  try {
    if (raw.length > limits.maxMessageBytes) return { message: headersOnly(raw, MESSAGE_OVER_CAP), spamInput: null };
    let read;
    try {
      read = readPlainText(raw) ?? (await readMime(raw, limits.maxAttachmentBytes));
    } catch {
      return { message: headersOnly(raw, MIME_UNREADABLE), spamInput: null };
    }
    const message = fromParsedMail(raw, read, limits);
    return { message, spamInput: spamInputFromMail(read.mail, { labelIds }) };
  } catch {
    // Only a bug of ours gets here; the header reading below is the least that can still be done.
    return { message: lastResort(raw), spamInput: null };
  }
}

export async function parseMail(raw: Buffer, limits: ParseLimits): Promise<ParsedMessage> {
  return (await parseMessage(raw, limits)).message;
}

function fromParsedMail(raw: Buffer, { mail, omitted, cutParts }: MimeRead, limits: ParseLimits): ParsedMessage {
  const lines = mail.headerLines && mail.headerLines.length > 0 ? mail.headerLines : splitHeaderLines(raw);
  const fields = readHeaderFields(lines);
  const html = typeof mail.html === 'string' ? stripNul(mail.html) : null;
  const text = mail.text !== undefined && mail.text.trim() !== '' ? mail.text : html !== null ? htmlToText(html) : '';
  return {
    ...fields,
    text: stripNul(text),
    html,
    attachments: mail.attachments.map((a) => toParsedAttachment(a, limits.maxAttachmentBytes, omitted.get(a))),
    sizeBytes: raw.length,
    problems: [
      ...findShapeProblems(raw, lines.length),
      ...fields.problems,
      ...findCharsetProblems(raw),
      ...attachmentProblems(mail, omitted, limits),
      ...(cutParts === 0 ? [] : [partsCut(cutParts)]),
    ],
  };
}

/** A single plain-text part, read directly (spam/plain-text-mail.ts): nothing omitted or cut. */
function readPlainText(raw: Buffer): MimeRead | null {
  const mail = readPlainTextMail(raw);
  return mail === null ? null : { mail, omitted: new Map(), cutParts: 0 };
}

export function partsCut(count: number): string {
  return `${count} text or HTML part(s) over ${INLINE_PART_MAX_BYTES / 1024 / 1024} MiB; only their first ${INLINE_PART_MAX_BYTES / 1024 / 1024} MiB were read`;
}

function attachmentProblems(mail: ReadMail, omitted: MimeRead['omitted'], limits: ParseLimits): string[] {
  const over = mail.attachments.filter((a) => omitted.has(a) || a.content.length > limits.maxAttachmentBytes).length;
  return over === 0 ? [] : [`${over} attachment(s) exceed ingest.maxAttachmentBytes; content not kept`];
}

/** The least a ticket can be built from: the header block, read without MIME parsing. */
export function headersOnly(raw: Buffer, problem: string): ParsedMessage {
  const lines = splitHeaderLines(raw);
  const fields = readHeaderFields(lines);
  return withEmptyBody(raw, fields, [problem, ...findShapeProblems(raw, lines.length), ...fields.problems]);
}

function lastResort(raw: Buffer): ParsedMessage {
  const problem = 'message could not be read; only its size is known';
  try {
    return headersOnly(raw, problem);
  } catch {
    const empty = { messageId: null, inReplyTo: null, references: [], subject: '', from: null, replyTo: null };
    return withEmptyBody(raw, { ...empty, to: [], cc: [], date: null, headers: new Map(), problems: [] }, [problem]);
  }
}

function withEmptyBody(raw: Buffer, fields: HeaderFields, problems: string[]): ParsedMessage {
  return { ...fields, text: '', html: null, attachments: [], sizeBytes: raw.length, problems };
}
