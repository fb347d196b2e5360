// Splits the header block off a raw message without any MIME parsing, for messages the full
// parser refuses or that are too big to parse; it yields the same line shape mailparser does.

/** One logical header line: lower-case key and the raw line, folding kept, bytes as latin1. */
export interface HeaderLine {
  key: string;
  line: string;
}

/** mailparser's default maxHeadSize: a header block past this is not worth reading. */
const MAX_HEAD_BYTES = 1024 * 1024;

export function splitHeaderLines(raw: Buffer): HeaderLine[] {
  const head = raw.subarray(0, Math.min(raw.length, MAX_HEAD_BYTES)).toString('latin1');
  const rawLines = head.slice(0, headerEnd(head)).split(/\r?\n/);
  const lines: HeaderLine[] = [];
  for (const withCr of rawLines) {
    const rawLine = withCr.endsWith('\r') ? withCr.slice(0, -1) : withCr; // CR of the CRLF before the blank line
    const last = lines[lines.length - 1];
    if (last !== undefined && (rawLine.startsWith(' ') || rawLine.startsWith('\t'))) {
      last.line += '\r\n' + rawLine;
    } else if (rawLine.length > 0) {
      lines.push({ key: headerKey(rawLine), line: rawLine });
    }
  }
  return lines;
}

/** Index where the first empty line starts, or the whole string when there is none. */
function headerEnd(head: string): number {
  if (head.startsWith('\n') || head.startsWith('\r\n')) return 0;
  const candidates = [head.indexOf('\n\n'), head.indexOf('\n\r\n')].filter((i) => i >= 0);
  return candidates.length > 0 ? Math.min(...candidates) : head.length;
}

/** '' when the line has no colon: such a line is not a header and is ignored downstream. */
function headerKey(line: string): string {
  const colon = line.indexOf(':');
  return colon < 0 ? '' : line.slice(0, colon).trim().toLowerCase();
}
