// The one mailparser pass over a raw message. The ticket and the spam filter read the same
// MIME tree and the same text (HTML is left to our own converter, for both).
import { createHash } from 'node:crypto';
import { MailParser } from 'mailparser';
import type { Attachment, MailParserOptions, ParsedMail } from 'mailparser';
import { SPAM_PARSE_OPTIONS, type SpamMailFields } from '../../spam/spam-input.js';

/** An attachment over the cap keeps only these: its bytes are hashed as they stream by, never held. */
export interface OmittedContent {
  size: number;
  sha256: string;
}

/** The fields of simpleParser's result that the ticket and the spam filter read. */
export type ReadMail = SpamMailFields;

/** What one pass yields: the message as simpleParser would give it, and what was left out. */
export interface MimeRead {
  /** As `simpleParser(raw, SPAM_PARSE_OPTIONS)` resolves it (HTML parts add nothing to `text`). */
  mail: ReadMail;
  /** Attachments whose content was over `maxAttachmentBytes`: `content` is empty, size and hash are here. */
  omitted: Map<Attachment, OmittedContent>;
  /** Text and HTML parts cut at INLINE_PART_MAX_BYTES (their rest was not read). */
  cutParts: number;
}

/**
 * The encoded bytes of one text or HTML part that are read. mailparser keeps a body part as a
 * list of chunks, joins them, decodes them to a string and normalises its line ends: a 30 MB
 * text part became five 30 MB copies at once in the worker. The ticket keeps at most 1M
 * characters of text and 2M of HTML (body/agent-body.ts), which 4 MiB of base64 or
 * quoted-printable still holds.
 */
export const INLINE_PART_MAX_BYTES = 4 * 1024 * 1024;

/** The spam filter's options (spam/spam-input.ts), without attachment checksums: we hash ourselves. */
const OPTIONS: MailParserOptions = { ...SPAM_PARSE_OPTIONS, checksumAlgo: false };

/** Rejects when mailparser does (limits, broken input); the caller turns that into a recorded problem. */
export function readMime(raw: Buffer, maxAttachmentBytes = Infinity): Promise<MimeRead> {
  return new Promise<MimeRead>((resolve, reject) => {
    const parser = new MailParser({ ...OPTIONS });
    const omitted = new Map<Attachment, OmittedContent>();
    const cuts = capInlineParts(parser as unknown as ChunkProcessor);
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
        for (const key of ['text', 'html', 'textAsHtml']) if (key in data) mail[key] = data[key];
        return;
      }
      if (data.type === 'attachment') collectAttachment(mail, data as unknown as StreamedAttachment, { maxAttachmentBytes, omitted, fail });
    });
    parser.on('end', () => {
      if (settled) return;
      settled = true;
      copyTopHeaders(mail);
      resolve({ mail, omitted, cutParts: cuts.count });
    });
    feed(parser, raw, fail);
  });
}

/**
 * The message goes in 64 KiB at a time, with backpressure: handed over whole, each MIME part
 * reaches the decoders as one chunk, and a 30 MB base64 attachment becomes several
 * message-sized strings at once (hundreds of MB of peak memory).
 */
const FEED_BYTES = 64 * 1024;

function feed(parser: MailParser, raw: Buffer, fail: (err: unknown) => void): void {
  let offset = 0;
  const pump = () => {
    try {
      while (offset < raw.length) {
        const chunk = raw.subarray(offset, offset + FEED_BYTES);
        offset += chunk.length;
        if (!parser.write(chunk)) {
          parser.once('drain', pump);
          return;
        }
      }
      parser.end();
    } catch (err) {
      fail(err);
    }
  };
  pump();
}

/** mailparser's per-chunk step and the node it is in; not in its public types, so reached through this shape. */
interface ChunkProcessor {
  curnode?: { disposition?: string; contentType?: string } | null;
  processChunk(data: { type: string; value?: Buffer }, done: () => void): void;
}

/**
 * Stops feeding a text or HTML part (`disposition: inline`, the parts mailparser collects into
 * one string) past INLINE_PART_MAX_BYTES; attachments stream and are capped on their own.
 */
function capInlineParts(parser: ChunkProcessor): { count: number } {
  const cuts = { count: 0 };
  const process = parser.processChunk.bind(parser);
  let partBytes = 0;
  let partCut = false;
  parser.processChunk = (data, done) => {
    if (data.type === 'node') {
      partBytes = 0;
      partCut = false;
    } else if (data.type === 'body' && data.value && parser.curnode?.disposition === 'inline') {
      partBytes += data.value.length;
      if (partBytes > INLINE_PART_MAX_BYTES) {
        if (!partCut) cuts.count++;
        partCut = true;
        setImmediate(done);
        return;
      }
    }
    process(data, done);
  };
  return cuts;
}

/** An attachment while mailparser streams it: `content` is a stream until it ends. */
type StreamedAttachment = Omit<Attachment, 'release'> & { release: () => void };

interface Collect {
  maxAttachmentBytes: number;
  omitted: Map<Attachment, OmittedContent>;
  fail: (err: unknown) => void;
}

/** Buffers an attachment up to the cap; past it, only counts and hashes what streams by. */
function collectAttachment(mail: ParsedMail, attachment: StreamedAttachment, c: Collect): void {
  mail.attachments.push(attachment as unknown as Attachment);
  const stream = attachment.content as unknown as NodeJS.ReadableStream;
  let chunks: Buffer[] | null = [];
  let length = 0;
  const hash = createHash('sha256');
  stream.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    length += chunk.length;
    if (chunks && length <= c.maxAttachmentBytes) chunks.push(chunk);
    else chunks = null;
  });
  stream.on('error', c.fail);
  stream.on('end', () => {
    if (chunks) {
      attachment.content = Buffer.concat(chunks, length);
    } else {
      attachment.content = Buffer.alloc(0);
      c.omitted.set(attachment as unknown as Attachment, { size: length, sha256: hash.digest('hex') });
    }
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
