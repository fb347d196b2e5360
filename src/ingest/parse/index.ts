// The public face of parsing: ingest and tests import from here, not from the parts.

export { parseMail, MESSAGE_OVER_CAP, MIME_UNREADABLE } from './parse-mail.js';
export type { ParseLimits } from './parse-mail.js';
export { htmlToText } from '../../text/html-to-text.js';
export { ATTACHMENT_OVER_CAP } from './attachments.js';
export type { Address, ParsedAttachment, ParsedMessage } from './parsed-message.js';
