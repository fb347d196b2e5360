// Separates what a person newly wrote from the reply chain they quoted: "On … wrote:" in
// English, German, French and Spanish (Gmail, Apple Mail), Outlook's "-----Original Message-----"
// and "From:/Sent:" header blocks, and a trailing run of "> " lines. Pure, on plain text.

const ATTRIBUTION = [
  /^on\b.{0,300}\bwrote:?\s*$/i,
  /^am\b.{0,300}\bschrieb\b.{0,200}:\s*$/i,
  /^le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^el\b.{0,300}\bescribió\s*:\s*$/i,
  /^(?=.*[\d@]).{0,300}\b(wrote|schrieb|a écrit|escribió)\s*:\s*$/i,
];

const SEPARATOR = [
  /^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado)\s*-{2,}\s*$/i,
  /^_{20,}\s*$/,
  /^begin forwarded message:\s*$/i,
];

/** Outlook's reply header: a "From:" line followed within three lines by a "Sent:"/"Date:" one, in the four languages. */
const HEADER_FROM = /^\*?(from|von|de|da)\s*:\*?\s/i;
const HEADER_SENT = /^\*?(sent|date|gesendet|datum|envoyé|date|enviado|fecha)\s*:\*?\s/i;

export interface SplitText {
  text: string;
  quotedText: string;
}

export function splitQuote(body: string): SplitText {
  const lines = body.split(/\r?\n/);
  const at = quoteStart(lines);
  if (at === null || at === 0) return at === 0 ? { text: '', quotedText: body.trim() } : { text: body, quotedText: '' };
  return { text: lines.slice(0, at).join('\n').trimEnd(), quotedText: lines.slice(at).join('\n').trim() };
}

function quoteStart(lines: string[]): number | null {
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    // Cheap first-character and last-character tests keep the regexes off ordinary lines.
    const c = line.charCodeAt(0) | 0x20;
    if ((c === 0x2d || c === 0x7f || c === 0x62) && SEPARATOR.some((r) => r.test(line))) return i;
    if (line.endsWith(':') && ATTRIBUTION.some((r) => r.test(line))) return i;
    // Gmail wraps a long attribution over two lines.
    if (/^(on|am|le|el)\b/i.test(line)) {
      const joined = `${line} ${(lines[i + 1] ?? '').trim()}`;
      if (joined.endsWith(':') && ATTRIBUTION.some((r) => r.test(joined))) return i;
    }
    if (HEADER_FROM.test(line) && lines.slice(i + 1, i + 4).some((l) => HEADER_SENT.test(l.trim()))) return i;
  }
  return trailingQuoteBlock(lines);
}

/** A final run of ">" lines (blank lines allowed within it) is quoted text. */
function trailingQuoteBlock(lines: string[]): number | null {
  let start: number | null = null;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    if (line.startsWith('>')) start = i;
    else break;
  }
  return start;
}
