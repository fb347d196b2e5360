// Small string repairs every value leaving the parser gets, kept in one place so that the
// full and the fallback parse clean values the same way.

/** SQLite TEXT and most log sinks mishandle NUL, and no mail text needs it. */
export function stripNul(value: string): string {
  return value.includes('\0') ? value.replaceAll('\0', '') : value;
}

/** Header bytes arrive as latin1; read them as UTF-8 when they are valid UTF-8, as mail clients do. */
export function decodeHeaderBytes(latin1: string): string {
  const utf8 = Buffer.from(latin1, 'latin1').toString('utf8');
  return utf8.includes('\uFFFD') ? latin1 : utf8;
}

/** Removes the CRLFs of folding; stray CR or LF left in a header value become spaces. */
export function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '').replace(/[\r\n]/g, ' ');
}
