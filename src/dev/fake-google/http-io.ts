// Small request/response helpers over node:http, shared by every route file so
// they all answer with Google's content types and read bodies the same way.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Gmail accepts 50 MB messages; deliveries arrive raw, API bodies are small. */
const MAX_BODY_BYTES = 80 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location });
  res.end();
}

/** Form bodies; JSON is tolerated because some callers post JSON to OAuth endpoints. */
export function parseForm(body: Buffer, contentType: string | undefined): URLSearchParams {
  const text = body.toString('utf8');
  if (contentType?.includes('application/json') && text.trim().startsWith('{')) {
    const obj = JSON.parse(text) as Record<string, unknown>;
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(obj))
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params.set(k, String(v));
    return params;
  }
  return new URLSearchParams(text);
}

export function parseJsonBody(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function bearerToken(req: IncomingMessage): string | undefined {
  return bearerOf(req.headers.authorization);
}

export function bearerOf(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}
