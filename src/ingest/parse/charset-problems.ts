// Finds text parts declared in a charset the decoder does not know. mailparser silently decodes
// those as UTF-8, so without this scan an operator would never learn why a ticket reads as mojibake.

import libmime from 'libmime';
import { forEachLatin1Chunk } from './shape-problems.js';

/** A Content-Type field with its folded continuation lines; each branch starts on a distinct char. */
const CONTENT_TYPE_FIELD = /^content-type:([^\n]*(?:\n[ \t][^\n]*)*)/gim;
const CHARSET_PARAM = /charset\s*=\s*"?([^";\s]*)/i;
/** Charset names are MIME tokens; anything else is not echoed into an operator-facing message. */
const PRINTABLE_NAME = /^[A-Za-z0-9._:+-]{1,40}$/;

/** One problem per unsupported charset of a text part, e.g. 'charset x-unknown decoded as UTF-8'. */
export function findCharsetProblems(raw: Buffer): string[] {
  const unknown = new Set<string>();
  forEachLatin1Chunk(raw, (text) => {
    for (const match of text.matchAll(CONTENT_TYPE_FIELD)) {
      const value = (match[1] ?? '').trim();
      if (!/^text\//i.test(value)) continue;
      const charset = CHARSET_PARAM.exec(value)?.[1]?.toLowerCase();
      if (charset === undefined || charset === '' || isSupported(charset)) continue;
      unknown.add(PRINTABLE_NAME.test(charset) ? charset : '(unreadable name)');
    }
  });
  return [...unknown].map((name) => `charset ${name} decoded as UTF-8`);
}

function isSupported(charset: string): boolean {
  try {
    return libmime.createDecodeStream(charset).supported;
  } catch {
    return false;
  }
}
