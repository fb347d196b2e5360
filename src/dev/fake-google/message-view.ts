// Renders a stored message as the Gmail `Message` resource in each format
// (minimal, metadata, raw, full), field names and string-typed ids as the API.
import type { StoredMessage } from './mailbox-state.js';
import { headerValue, parseStructured } from './mime-headers.js';
import { paddedBase64Url, parseEntity, toPayload } from './mime-payload.js';

export type MessageFormat = 'minimal' | 'metadata' | 'raw' | 'full';

export const isMessageFormat = (f: string): f is MessageFormat => f === 'minimal' || f === 'metadata' || f === 'raw' || f === 'full';

/** Opaque attachment ids that still say which part they name. */
export const attachmentIdFor = (messageId: string, partId: string): string =>
  'ANGjdJ' + Buffer.from(`${messageId}/${partId}`).toString('base64url');

export function partIdFromAttachmentId(attachmentId: string, messageId: string): string | undefined {
  if (!attachmentId.startsWith('ANGjdJ')) return undefined;
  const text = Buffer.from(attachmentId.slice(6), 'base64url').toString('utf8');
  return text.startsWith(`${messageId}/`) ? text.slice(messageId.length + 1) : undefined;
}

export function messageRef(m: StoredMessage): { id: string; threadId: string } {
  return { id: m.id, threadId: m.threadId };
}

export function renderMessage(m: StoredMessage, format: MessageFormat, metadataHeaders: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: m.id, threadId: m.threadId, labelIds: [...m.labelIds], snippet: m.snippet };
  if (format === 'metadata') {
    const wanted = metadataHeaders.map((h) => h.toLowerCase());
    const headers = wanted.length === 0 ? m.headers : m.headers.filter((h) => wanted.includes(h.name.toLowerCase()));
    const mimeType = parseStructured(headerValue(m.headers, 'content-type') ?? 'text/plain').value || 'text/plain';
    out.payload = { partId: '', mimeType, filename: '', headers: headers.map((h) => ({ ...h })) };
  }
  if (format === 'full') out.payload = toPayload(parseEntity(m.raw), (partId) => attachmentIdFor(m.id, partId));
  out.sizeEstimate = m.raw.length;
  out.historyId = String(m.historyId);
  out.internalDate = String(m.internalDate);
  if (format === 'raw') out.raw = paddedBase64Url(m.raw);
  return out;
}
