// Readable text from an HTML body, without a DOM: enough for tokenizing, linear in the
// input (no nested regex), so a hostile or huge HTML part cannot stall the filter.
const MAX_HTML_CHARS = 1_000_000;

const NAMED: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  copy: '©',
  reg: '®',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  laquo: '«',
  raquo: '»',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
  trade: '™',
};

export function htmlToText(html: string): string {
  const capped = html.length > MAX_HTML_CHARS ? html.slice(0, MAX_HTML_CHARS) : html;
  const withoutCode = dropBlocks(dropBlocks(dropBlocks(capped, '<!--', '-->'), '<script', '</script'), '<style', '</style');
  return decodeEntities(
    withoutCode
      .replace(/<(br|\/p|\/div|\/tr|\/li|\/h\d|\/table)\b[^>]*>/gi, '\n')
      .replace(/<[^>]*>/g, ' ')
      .replace(/<[a-z/!][^>]*$/i, ' '),
  )
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

/** Removes open..close blocks with indexOf, linear even when closers are missing. */
function dropBlocks(html: string, open: string, close: string): string {
  // Lower-casing can change a string's length (e.g. 'İ'); then search the original instead.
  const folded = html.toLowerCase();
  const lower = folded.length === html.length ? folded : html;
  let out = '';
  let from = 0;
  for (let start = lower.indexOf(open, from); start >= 0; start = lower.indexOf(open, from)) {
    out += `${html.slice(from, start)} `;
    const end = lower.indexOf(close, start + open.length);
    if (end < 0) return out;
    const gt = lower.indexOf('>', end);
    from = gt < 0 ? html.length : gt + 1;
  }
  return out + html.slice(from);
}

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}
