// Serving one attachment so that a browser saves it and never runs it: the stored type (when
// it is a well-formed media type), Content-Disposition: attachment with an RFC 6266 filename
// (ASCII fallback + filename*=UTF-8''), nosniff, and a CSP sandbox. Shared by API and admin page.
import type { FastifyReply } from 'fastify';
import type { AttachmentRepo } from '../store/attachment-repo.js';
import { sendError } from './error-reply.js';

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** RFC 6266 with RFC 8187 encoding: quoted ASCII for old clients, percent-encoded UTF-8 for the rest. */
export function contentDisposition(filename: string): string {
  const name = filename.trim() || 'attachment';
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function safeMediaType(stored: string): string {
  const t = stored.trim().toLowerCase();
  return MEDIA_TYPE.test(t) ? t : 'application/octet-stream';
}

export function sendAttachment(reply: FastifyReply, repo: AttachmentRepo, id: number): FastifyReply {
  const a = repo.get(id);
  if (!a) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no attachment with id ${id}`);
  if (!a.content) {
    return sendError(
      reply,
      'INTAKE_ERR_NOT_FOUND',
      `attachment ${id} was not kept (${a.omittedReason ?? 'no content'}); its name, type, size and SHA-256 are in the ticket`,
    );
  }
  return reply
    .header('content-type', safeMediaType(a.contentType))
    .header('content-disposition', contentDisposition(a.filename))
    .header('content-length', a.content.length)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('cache-control', 'private, no-store')
    .send(a.content);
}
