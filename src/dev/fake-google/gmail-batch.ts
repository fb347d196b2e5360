// Gmail's batch endpoint (SPEC.md §3.9): POST /batch/gmail/v1 with a multipart/mixed body whose
// parts (Content-Type: application/http) each hold one whole HTTP request. Each part is
// answered as if it had come alone (auth, scopes, quota units and the per-user concurrency cap
// apply to every part; a batch saves no quota), and the reply is multipart/mixed with one
// application/http part per request, `Content-ID: response-<id>`. More than 100 parts is a 400.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidArgument, notFound } from './errors.js';
import { gmailReply, send, type GmailRequest } from './gmail-routes.js';
import type { Reply } from './gmail-messages.js';
import { readBody } from './http-io.js';
import type { FakeState } from './state.js';

export const BATCH_PATH = '/batch/gmail/v1';
export const MAX_BATCH_PARTS = 100;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

interface Part {
  contentId: string | null;
  request: GmailRequest | null;
}

function headerBlock(text: string): { headers: Map<string, string>; rest: string } {
  const end = text.search(/\r?\n\r?\n/);
  const head = end < 0 ? text : text.slice(0, end);
  const rest = end < 0 ? '' : text.slice(end).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, rest };
}

/** One part: its MIME headers, then the embedded request line, headers and body. */
function parsePart(text: string, outerAuthorization: string | undefined): Part {
  const mime = headerBlock(text.replace(/^\r?\n/, ''));
  const contentId = mime.headers.get('content-id')?.replace(/^<|>$/g, '') ?? null;
  const lines = mime.rest.split(/\r?\n/);
  const requestLine = /^(GET|POST|PUT|PATCH|DELETE)\s+(\S+)(?:\s+HTTP\/\d(?:\.\d)?)?$/.exec(lines[0]?.trim() ?? '');
  if (!requestLine?.[1] || !requestLine[2]) return { contentId, request: null };
  const inner = headerBlock(lines.slice(1).join('\r\n'));
  const url = new URL(requestLine[2], 'http://127.0.0.1');
  return {
    contentId,
    request: {
      method: requestLine[1],
      url,
      // A part without its own Authorization uses the batch's, as Google's batch does.
      authorization: inner.headers.get('authorization') ?? outerAuthorization,
      body: Buffer.from(inner.rest.replace(/\r?\n$/, ''), 'utf8'),
    },
  };
}

function splitParts(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const sections = body.split(delimiter);
  // Before the first delimiter is the preamble; from the closing `--boundary--` on, the epilogue.
  const parts: string[] = [];
  for (const section of sections.slice(1)) {
    if (section.startsWith('--')) break;
    parts.push(section);
  }
  return parts;
}

function renderPart(contentId: string | null, reply: Reply): string {
  const json = reply.status === 204 ? '' : JSON.stringify(reply.body);
  const head = [`HTTP/1.1 ${reply.status} ${STATUS_TEXT[reply.status] ?? ''}`.trim()];
  if (json) head.push('Content-Type: application/json; charset=UTF-8', `Content-Length: ${Buffer.byteLength(json)}`);
  return ['Content-Type: application/http', ...(contentId ? [`Content-ID: <response-${contentId}>`] : []), '', ...head, '', json].join(
    '\r\n',
  );
}

/** Returns false when the path is not the batch endpoint. */
export async function routeBatch(s: FakeState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (url.pathname !== BATCH_PATH) return false;
  if (req.method !== 'POST') {
    req.resume();
    send(res, notFound());
    return true;
  }
  const contentType = req.headers['content-type'] ?? '';
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const raw = await readBody(req);
  if (!/^multipart\/mixed/i.test(contentType) || !boundary) {
    send(res, invalidArgument('Invalid multipart request: expected Content-Type multipart/mixed with a boundary.'));
    return true;
  }
  const parts = splitParts(raw.toString('utf8'), boundary[1] ?? boundary[2] ?? '');
  if (parts.length === 0) {
    send(res, invalidArgument('Invalid multipart request with 0 mime parts.'));
    return true;
  }
  if (parts.length > MAX_BATCH_PARTS) {
    send(res, invalidArgument(`Too many requests in batch: ${parts.length}; a batch may hold at most ${MAX_BATCH_PARTS}.`));
    return true;
  }
  const parsed = parts.map((p) => parsePart(p, req.headers.authorization));
  // The parts run side by side, as Google runs them: the per-user concurrency cap applies.
  const replies = await Promise.all(
    parsed.map((p) => (p.request ? gmailReply(s, p.request) : Promise.resolve(invalidArgument('Invalid HTTP request in a batch part.')))),
  );
  const out = `batch_${randomBytes(9).toString('base64url')}`;
  const body = `${replies.map((r, i) => `--${out}\r\n${renderPart(parsed[i]?.contentId ?? null, r)}`).join('\r\n')}\r\n--${out}--\r\n`;
  res.writeHead(200, { 'content-type': `multipart/mixed; boundary=${out}`, 'content-length': Buffer.byteLength(body) });
  res.end(body);
  return true;
}
