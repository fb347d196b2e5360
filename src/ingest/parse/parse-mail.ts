// Turns one raw message into a ParsedMessage and never throws: whatever mailparser cannot read is
// recorded in `problems` and the rest is kept, because one bad message must not stop a mailbox.

import { simpleParser } from 'mailparser';
import type { ParsedMail, SimpleParserOptions } from 'mailparser';
import { toParsedAttachment } from './attachments.js';
import { findCharsetProblems } from './charset-problems.js';
import { splitHeaderLines } from './header-block.js';
import { readHeaderFields } from './header-fields.js';
import type { HeaderFields } from './header-fields.js';
import { htmlToText } from '../../text/html-to-text.js';
import type { ParsedMessage } from './parsed-message.js';
import { stripNul } from './text-clean.js';

export interface ParseLimits {
  maxAttachmentBytes: number;
  maxMessageBytes: number;
}

export const MESSAGE_OVER_CAP = 'message exceeds ingest.maxMessageBytes';
export const MIME_UNREADABLE = 'MIME structure unreadable; body and attachments skipped';

/**
 * Work only what a ticket needs: text comes from our own linear htmlToText (mailparser's converter
 * is the slow path on deep HTML), no textAsHtml or link rewriting, and no data: URLs inlined into
 * the HTML, which would copy every embedded image into it. We hash attachments ourselves.
 */
const PARSER_OPTIONS: SimpleParserOptions = {
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
  checksumAlgo: false,
};

export async function parseMail(raw: Buffer, limits: ParseLimits): Promise<ParsedMessage> {
  try {
    if (raw.length > limits.maxMessageBytes) return headersOnly(raw, MESSAGE_OVER_CAP);
    let mail: ParsedMail;
    try {
      mail = await simpleParser(raw, PARSER_OPTIONS);
    } catch {
      return headersOnly(raw, MIME_UNREADABLE);
    }
    return fromParsedMail(raw, mail, limits);
  } catch {
    // Only a bug of ours gets here; the header reading below is the least that can still be done.
    return lastResort(raw);
  }
}

function fromParsedMail(raw: Buffer, mail: ParsedMail, limits: ParseLimits): ParsedMessage {
  const lines = mail.headerLines && mail.headerLines.length > 0 ? mail.headerLines : splitHeaderLines(raw);
  const fields = readHeaderFields(lines);
  const html = typeof mail.html === 'string' ? stripNul(mail.html) : null;
  const text = mail.text !== undefined && mail.text.trim() !== '' ? mail.text : html !== null ? htmlToText(html) : '';
  return {
    ...fields,
    text: stripNul(text),
    html,
    attachments: mail.attachments.map((a) => toParsedAttachment(a, limits.maxAttachmentBytes)),
    sizeBytes: raw.length,
    problems: [...fields.problems, ...findCharsetProblems(raw), ...attachmentProblems(mail, limits)],
  };
}

function attachmentProblems(mail: ParsedMail, limits: ParseLimits): string[] {
  const over = mail.attachments.filter((a) => a.content.length > limits.maxAttachmentBytes).length;
  return over === 0 ? [] : [`${over} attachment(s) exceed ingest.maxAttachmentBytes; content not kept`];
}

function headersOnly(raw: Buffer, problem: string): ParsedMessage {
  const fields = readHeaderFields(splitHeaderLines(raw));
  return withEmptyBody(raw, fields, [problem, ...fields.problems]);
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
