// Maps mailparser's buffered attachments to ParsedAttachment and enforces the attachment cap.
// The hash is taken before the cap so that a dropped attachment can still be recognised later.

import { createHash } from 'node:crypto';
import type { Attachment } from 'mailparser';
import type { ParsedAttachment } from './parsed-message.js';
import { stripNul } from './text-clean.js';

export const ATTACHMENT_OVER_CAP = 'exceeds ingest.maxAttachmentBytes';

/** Control characters (NUL included) in a file name only cause trouble where it is shown or stored. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

/** `omitted`: size and hash of content the parser did not keep because it was over the cap. */
export function toParsedAttachment(
  attachment: Attachment,
  maxAttachmentBytes: number,
  omitted?: { size: number; sha256: string },
): ParsedAttachment {
  const content = attachment.content;
  const overCap = omitted !== undefined || content.length > maxAttachmentBytes;
  return {
    filename: (attachment.filename ?? '').replace(CONTROL_CHARS, ''),
    contentType: (attachment.contentType || 'application/octet-stream').toLowerCase(),
    size: omitted?.size ?? content.length,
    sha256: omitted?.sha256 ?? createHash('sha256').update(content).digest('hex'),
    content: overCap ? null : content,
    omittedReason: overCap ? ATTACHMENT_OVER_CAP : null,
    contentId: readContentId(attachment),
    inline: attachment.related === true || attachment.contentDisposition === 'inline',
  };
}

function readContentId(attachment: Attachment): string | null {
  const cid = (attachment.cid ?? attachment.contentId ?? '').replace(/^<|>$/g, '').trim();
  return cid === '' ? null : stripNul(cid);
}
