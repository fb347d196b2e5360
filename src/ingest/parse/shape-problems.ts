// Problems in a message's overall shape that mailparser reads past without a word: an empty
// message, a multipart cut short before its closing boundary, bytes that are not mail at all.
// Pure and linear in the input, so it is safe on hostile mail.

export const EMPTY_MESSAGE = 'message is empty';
export const NO_HEADERS = 'no header fields found; not an RFC 5322 message';
export const BINARY_CONTENT = 'message is mostly binary (control bytes); not an RFC 5322 message';
export const MULTIPART_TRUNCATED = 'multipart body ends before its closing boundary; the message was probably cut short';

/** Content-Type fields with their folded continuation lines (as in charset-problems.ts). */
const CONTENT_TYPE_FIELD = /^content-type:([^\n]*(?:\n[ \t][^\n]*)*)/gim;
const BOUNDARY_PARAM = /boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;]{1,200}))/i;
/** Enough bytes to tell mail from binary junk; mail that starts as text stays text. */
const SNIFF_BYTES = 64 * 1024;
/** How many distinct boundaries are checked: enough for real mail, bounded for hostile mail. */
const MAX_BOUNDARIES = 64;

export function findShapeProblems(raw: Buffer, headerLineCount: number): string[] {
  if (isBlank(raw)) return [EMPTY_MESSAGE];
  const problems: string[] = [];
  if (headerLineCount === 0) problems.push(NO_HEADERS);
  if (controlRatio(raw) > 0.1) problems.push(BINARY_CONTENT);
  if (hasUnclosedMultipart(raw)) problems.push(MULTIPART_TRUNCATED);
  return problems;
}

function isBlank(raw: Buffer): boolean {
  for (const byte of raw) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) return false;
  return true;
}

/** Share of bytes below 0x20 other than tab, CR and LF (NUL included) in the first bytes. */
function controlRatio(raw: Buffer): number {
  const n = Math.min(raw.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = raw[i]!;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) control++;
  }
  return n === 0 ? 0 : control / n;
}

/** A declared multipart boundary whose close delimiter (`--boundary--`) never appears. */
function hasUnclosedMultipart(raw: Buffer): boolean {
  const boundaries = new Set<string>();
  forEachLatin1Chunk(raw, (text) => {
    for (const match of text.matchAll(CONTENT_TYPE_FIELD)) {
      const value = match[1] ?? '';
      if (!/^\s*multipart\//i.test(value)) continue;
      const param = BOUNDARY_PARAM.exec(value);
      const boundary = param?.[1] ?? param?.[2];
      if (boundary && boundaries.size < MAX_BOUNDARIES) boundaries.add(boundary);
    }
  });
  for (const boundary of boundaries) if (raw.indexOf(`--${boundary}--`, 0, 'latin1') < 0) return true;
  return false;
}

/**
 * Window + overlap stay under V8's largest regular heap object (128 KiB): larger strings go to
 * the large-object space, which only a full collection frees, and a 30 MB message left 60 MB of
 * such windows behind (two scans).
 */
const CHUNK = 96 * 1024;
/** Longer than any header field worth reading: a field cut by a chunk edge is read whole in the next. */
const OVERLAP = 16 * 1024;

/** Calls `fn` on overlapping latin1 windows of the message, so a 30 MB message never becomes one 30 MB string. */
export function forEachLatin1Chunk(raw: Buffer, fn: (text: string) => void): void {
  for (let start = 0; start < raw.length; start += CHUNK) {
    fn(raw.toString('latin1', start, Math.min(raw.length, start + CHUNK + OVERLAP)));
  }
}
