// The one mailparser pass over a raw message. The ticket and the spam filter read the same
// MIME tree: the ticket's text (HTML left to our own converter) and the text the spam filter
// has always been trained on (mailparser's HTML-to-text) both come out of this single pass.
import { MailParser } from 'mailparser';
import type { Attachment, MailParserOptions, ParsedMail } from 'mailparser';

/** What one pass yields: the message as simpleParser would give it, and the ticket's text. */
export interface MimeRead {
  /** As `simpleParser(raw, { skipImageLinks, skipTextToHtml, skipTextLinks })` resolves it. */
  mail: ParsedMail;
  /** `text` as it reads with `skipHtmlToText` (HTML parts contribute nothing). */
  ticketText: string | undefined;
}

/** The spam filter's options (spam/spam-input.ts), without attachment checksums: we hash ourselves. */
const OPTIONS: MailParserOptions = { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, checksumAlgo: false };

interface TextContent {
  text?: string;
}

/** mailparser's per-instance text assembly; not in its public types, so reached through this shape. */
interface TextAssembler {
  options: MailParserOptions;
  getTextContent(): TextContent;
}

/** Rejects when mailparser does (limits, broken input); the caller turns that into a recorded problem. */
export function readMime(raw: Buffer): Promise<MimeRead> {
  return new Promise<MimeRead>((resolve, reject) => {
    const parser = new MailParser({ ...OPTIONS });
    let ticketText: string | undefined;
    assembleBothTexts(parser as unknown as TextAssembler, (text) => (ticketText = text));
    const mail = { attachments: [] as Attachment[] } as unknown as ParsedMail & Record<string, unknown>;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      parser.destroy();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    parser.on('error', fail);
    parser.on('headers', (headers) => {
      mail.headers = headers;
      mail.headerLines = parser.headerLines || [];
    });
    parser.on('data', (data: { type: string } & Record<string, unknown>) => {
      if (data.type === 'text') {
        for (const key of ['text', 'html', 'textAsHtml', 'textConversionError']) if (key in data) mail[key] = data[key];
        return;
      }
      if (data.type === 'attachment') collectAttachment(mail, data as unknown as StreamedAttachment, fail);
    });
    parser.on('end', () => {
      if (settled) return;
      settled = true;
      copyTopHeaders(mail);
      resolve({ mail, ticketText });
    });
    parser.end(raw);
  });
}

/**
 * Runs mailparser's text assembly twice over the same tree: once as the ticket wants it
 * (`skipHtmlToText`), then as the spam filter was trained (mailparser's result, pushed on).
 */
function assembleBothTexts(parser: TextAssembler, onTicketText: (text: string | undefined) => void): void {
  const assemble = parser.getTextContent.bind(parser);
  parser.getTextContent = () => {
    parser.options.skipHtmlToText = true;
    onTicketText(assemble().text);
    parser.options.skipHtmlToText = false;
    return assemble();
  };
}

/** An attachment while mailparser streams it: `content` is a stream until it ends. */
type StreamedAttachment = Omit<Attachment, 'release'> & { release: () => void };

function collectAttachment(mail: ParsedMail, attachment: StreamedAttachment, fail: (err: unknown) => void): void {
  mail.attachments.push(attachment as unknown as Attachment);
  const stream = attachment.content as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  let length = 0;
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    length += chunk.length;
  });
  stream.on('error', fail);
  stream.on('end', () => {
    attachment.content = Buffer.concat(chunks, length);
    attachment.release();
  });
}

/** simpleParser copies these header values onto the result; so do we. */
function copyTopHeaders(mail: ParsedMail & Record<string, unknown>): void {
  if (!mail.headers) return;
  for (const key of ['subject', 'references', 'date', 'to', 'from', 'cc', 'bcc', 'message-id', 'in-reply-to', 'reply-to']) {
    if (mail.headers.has(key)) mail[key.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())] = mail.headers.get(key);
  }
}
