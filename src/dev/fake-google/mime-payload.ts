// The `payload` tree of messages.get format=full: a small MIME walker (multipart
// splitting, transfer decoding, filenames) plus the snippet Gmail shows in lists.
import { decodeCharset, headerValue, parseStructured, splitHeadBody, type Header } from './mime-headers.js';

export interface MessagePartBody {
  size: number;
  data?: string;
  attachmentId?: string;
}

export interface MessagePart {
  partId: string;
  mimeType: string;
  filename: string;
  headers: Header[];
  body: MessagePartBody;
  parts?: MessagePart[];
}

interface Entity {
  partId: string;
  headers: Header[];
  mimeType: string;
  charset: string | undefined;
  filename: string;
  /** Transfer-decoded content of a leaf; empty for multiparts. */
  content: Buffer;
  children: Entity[];
}

const MAX_DEPTH = 20;

/** Gmail pads its base64url. */
export const paddedBase64Url = (b: Buffer): string => {
  const s = b.toString('base64url');
  return s + '='.repeat((4 - (s.length % 4)) % 4);
};

export function parseEntity(raw: Buffer, partId = '', depth = 0): Entity {
  const { headers, body } = splitHeadBody(raw);
  const ct = parseStructured(headerValue(headers, 'content-type') ?? 'text/plain');
  const mimeType = ct.value.includes('/') ? ct.value : 'text/plain';
  const disposition = parseStructured(headerValue(headers, 'content-disposition'));
  const filename = disposition.params.filename ?? ct.params.name ?? '';
  const boundary = ct.params.boundary;
  if (mimeType.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    const children = splitMultipart(body, boundary).map((part, i) =>
      parseEntity(part, partId === '' ? String(i) : `${partId}.${i}`, depth + 1),
    );
    return { partId, headers, mimeType, charset: ct.params.charset, filename, content: Buffer.alloc(0), children };
  }
  const encoding = (headerValue(headers, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  return { partId, headers, mimeType, charset: ct.params.charset, filename, content: decodeTransfer(body, encoding), children: [] };
}

function decodeTransfer(body: Buffer, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding !== 'quoted-printable') return body;
  const text = body.toString('latin1').replace(/=\r?\n/g, '');
  return Buffer.from(
    text.replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );
}

/** Body parts between `--boundary` lines; the line break before a delimiter belongs to it. */
function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delim = Buffer.from('--' + boundary, 'latin1');
  const parts: Buffer[] = [];
  let pos = findDelimiter(body, delim, 0);
  while (pos >= 0) {
    const after = pos + delim.length;
    if (body[after] === 0x2d && body[after + 1] === 0x2d) break;
    const lineEnd = body.indexOf(0x0a, after);
    if (lineEnd < 0) break;
    const start = lineEnd + 1;
    const next = findDelimiter(body, delim, start);
    let end = next < 0 ? body.length : next;
    if (next >= 0 && body[end - 1] === 0x0a) end--;
    if (next >= 0 && body[end - 1] === 0x0d) end--;
    parts.push(body.subarray(start, Math.max(start, end)));
    pos = next;
  }
  return parts;
}

function findDelimiter(body: Buffer, delim: Buffer, from: number): number {
  let i = body.indexOf(delim, from);
  while (i > 0 && body[i - 1] !== 0x0a) i = body.indexOf(delim, i + 1);
  return i;
}

const isAttachment = (e: Entity): boolean => e.filename !== '';

export function toPayload(e: Entity, attachmentId: (partId: string) => string): MessagePart {
  const part: MessagePart = { partId: e.partId, mimeType: e.mimeType, filename: e.filename, headers: e.headers, body: { size: 0 } };
  if (e.mimeType.startsWith('multipart/') && e.children.length > 0) {
    part.parts = e.children.map((c) => toPayload(c, attachmentId));
  } else if (isAttachment(e)) {
    part.body = { attachmentId: attachmentId(e.partId), size: e.content.length };
  } else {
    part.body = e.content.length > 0 ? { size: e.content.length, data: paddedBase64Url(e.content) } : { size: 0 };
  }
  return part;
}

export function findEntity(e: Entity, partId: string): Entity | undefined {
  if (e.partId === partId) return e;
  for (const c of e.children) {
    const hit = findEntity(c, partId);
    if (hit) return hit;
  }
  return undefined;
}

function firstLeaf(e: Entity, mimeType: string): Entity | undefined {
  if (e.children.length === 0) return e.mimeType === mimeType && !isAttachment(e) ? e : undefined;
  for (const c of e.children) {
    const hit = firstLeaf(c, mimeType);
    if (hit) return hit;
  }
  return undefined;
}

const escapeSnippet = (s: string): string =>
  s
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/&#38;/g, '&amp;')
    .replace(/&#60;/g, '&lt;')
    .replace(/&#62;/g, '&gt;')
    .replace(/&#34;/g, '&quot;');

/** About the first 200 characters of readable text, HTML-escaped as Gmail returns it. */
export function snippetOf(e: Entity): string {
  const plain = firstLeaf(e, 'text/plain');
  const html = plain ? undefined : firstLeaf(e, 'text/html');
  const leaf = plain ?? html;
  if (!leaf) return '';
  let text = decodeCharset(leaf.content, leaf.charset);
  if (html)
    text = text
      .replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&nbsp;/g, ' ');
  return escapeSnippet(text.replace(/\s+/g, ' ').trim().slice(0, 200));
}
