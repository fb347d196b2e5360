// Evidence in how the body is written rather than which words it uses: URL pieces and
// shouting, money and exclamation (SpamBayes' tokenizer keeps much of this; lower-cased
// word tokens lose it).
const MAX_URLS = 40;
const URL = /\bhttps?:\/\/([^\s"'<>()]+)/gi;

/** Host pieces and path words of every link, plus signs of obfuscation. */
export function urlTokens(text: string): string[] {
  const out = new Set<string>();
  let n = 0;
  for (const m of text.matchAll(URL)) {
    if (++n > MAX_URLS) break;
    const rest = m[1] ?? '';
    const hostEnd = rest.search(/[/?#]/);
    const authority = hostEnd < 0 ? rest : rest.slice(0, hostEnd);
    const path = hostEnd < 0 ? '' : rest.slice(hostEnd);
    if (authority.includes('@')) out.add('url:userinfo');
    if (/:\d+$/.test(authority)) out.add('url:port');
    if (/%[0-9a-f]{2}/i.test(rest)) out.add('url:escaped');
    if (path.includes('?')) out.add('url:query');
    for (const piece of path.toLowerCase().split(/[^a-z0-9]+/)) {
      if (piece.length >= 3 && piece.length <= 20) out.add(`urlpath:${piece}`);
    }
  }
  if (n > 0) out.add(`url:count:${bucket(n, [1, 2, 5, 10, 20])}`);
  return [...out];
}

/** Shouting, money and exclamation in the text: shares and counts, bucketed. */
export function textShapeTokens(text: string): string[] {
  const sample = text.length > 20_000 ? text.slice(0, 20_000) : text;
  const { letters, upper, bangs } = letterCounts(sample);
  const out = [`shape:caps:${letters < 40 ? 'short' : bucket(Math.round((100 * upper) / letters), [5, 10, 20, 40, 60])}`];
  out.push(`shape:bang:${bucket(bangs, [0, 1, 3, 10])}`);
  out.push(`shape:money:${bucket(count(sample, /[$€£]\s?\d/g), [0, 1, 3, 10])}`);
  if (/\b(\d{1,3}(,\d{3})+|\d{4,})(\.\d\d)?\s*(usd|dollars)\b/i.test(sample)) out.push('shape:big-amount');
  if (/\b\d{1,3}%/.test(sample)) out.push('shape:percent');
  if (/\b(1[-. ])?\(?8(00|88|77|66)\)?[-. ]\d{3}[-. ]\d{4}\b/.test(sample)) out.push('shape:toll-free');
  return out;
}

/** One pass over the char codes: this runs on every classify, so no regex copies of the text. */
function letterCounts(text: string): { letters: number; upper: number; bangs: number } {
  let letters = 0;
  let upper = 0;
  let bangs = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      letters++;
      upper++;
    } else if (c >= 97 && c <= 122) letters++;
    else if (c === 33) bangs++;
  }
  return { letters, upper, bangs };
}

/** The smallest bound the value does not exceed, or "more": a few stable buckets. */
export function bucket(value: number, bounds: readonly number[]): string {
  for (const b of bounds) if (value <= b) return `le${b}`;
  return 'more';
}

function count(text: string, re: RegExp): number {
  let n = 0;
  for (const _ of text.matchAll(re)) n++;
  return n;
}
