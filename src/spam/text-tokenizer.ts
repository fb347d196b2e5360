// Free text -> word tokens. Words are runs of letters, marks and digits in any script (plus
// $ € £ ¥ ' ’ -); English words are Porter-stemmed (natural's stemmer); scripts written
// without spaces (CJK, Thai...) become character bigrams, so they still carry words.
// One hand-written scan instead of a regex split: this runs on every classify.
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';

const MAX_TEXT_CHARS = 200_000;
const MAX_WORD = 20;
const MAX_BIGRAMS_PER_RUN = 64;
/**
 * Slots of the stem memo, a power of two: it starts small and doubles whenever half its slots
 * are used (so probes stay short), up to the most, then it is emptied. An analyse worker's heap
 * is small (ingest.workerMaxHeapMb), so the memo takes memory only as the vocabulary grows.
 */
const STEM_SLOTS_FIRST = 1 << 12;
const STEM_SLOTS_MOST = 1 << 17;

const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
// Thai (U+0E00) is the first block of UNSPACED_SCRIPT: a word with no code unit this high skips the regex.
const FIRST_UNSPACED = 0x0e00;
const WORD_CHAR = /^[\p{L}\p{M}\p{N}$€£¥'’-]$/u;
const NON_ASCII = /[\u0080-\uffff]/;

// Per UTF-16 code unit: 0 not yet known, 1 word character, 2 gap. Filled lazily above ASCII.
const charClass = new Uint8Array(0x10000);
for (let c = 0; c < 128; c++) charClass[c] = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;

// Stemming is the tokenizer's hot spot (~2.7 µs a word); mail repeats its vocabulary, so a
// bounded memo makes it a lookup. The memo is an open-addressed table keyed by a hash of the
// word's characters, read in place: a Map needs the word as a new string first, and slicing and
// hashing it cost a third of the tokenizer (bench:spam profile). Emptied wholesale when full:
// simple, and bounded.
interface StemMemo {
  /** `hash | 1` of the word in each slot; 0 marks an empty slot. */
  keys: Int32Array;
  words: (string | undefined)[];
  stems: (string | undefined)[];
  used: number;
}

let memo = emptyMemo(STEM_SLOTS_FIRST);

function emptyMemo(slots: number): StemMemo {
  // Filled one by one so the arrays stay packed (a large `new Array(n)` is a slow dictionary).
  const words: (string | undefined)[] = [];
  for (let i = 0; i < slots; i++) words.push(undefined);
  return { keys: new Int32Array(slots), words, stems: words.slice(), used: 0 };
}

export function tokenizeText(text: string): string[] {
  if (!text) return [];
  const capped = text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
  // NFKC leaves ASCII as it is; only mail with other characters pays for it.
  const s = (NON_ASCII.test(capped) ? capped.normalize('NFKC') : capped).toLowerCase();
  const out: string[] = [];
  const n = s.length;
  let i = 0;
  while (i < n) {
    while (i < n && !isWordAt(s, i)) i += unitWidth(s, i);
    const start = i;
    while (i < n && isWordAt(s, i)) i += unitWidth(s, i);
    if (i > start) pushRun(s, start, i, out);
  }
  return out;
}

/** The same word as splitting on the gaps and trimming ' ’ - from both ends. */
function pushRun(s: string, from: number, to: number, out: string[]): void {
  let start = from;
  let end = to;
  while (start < end && isEdgePunct(s.charCodeAt(start))) start++;
  while (end > start && isEdgePunct(s.charCodeAt(end - 1))) end--;
  const length = end - start;
  if (length === 0) return;
  let high = 0;
  let letters = true;
  let digits = true;
  let hash = 0x811c9dc5;
  for (let k = start; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c > high) high = c;
    if (c < 97 || c > 122) letters = false;
    if (c < 48 || c > 57) digits = false;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  // The common case first, without making the word a string unless the memo lacks it.
  if (letters && length >= 2 && length <= MAX_WORD) {
    out.push(stemAt(s, start, end, hash));
    return;
  }
  const word = s.slice(start, end);
  if (high >= FIRST_UNSPACED && UNSPACED_SCRIPT.test(word)) pushBigrams(word, out);
  // Long runs are base64, hashes or glued junk: their shape is evidence, their text is not.
  else if (length > MAX_WORD) out.push(`skip:${word[0] ?? ''}${Math.floor(length / 10) * 10}`);
  else if (length < 2) return;
  else if (digits) out.push(length <= 4 ? word : `num:${length}`);
  else out.push(word);
}

function isEdgePunct(c: number): boolean {
  return c === 39 || c === 45 || c === 0x2019;
}

function isWordAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  let cls = charClass[c]!;
  if (cls === 0) {
    if (c >= 0xd800 && c <= 0xdfff) return surrogateIsWord(s, i);
    cls = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
    charClass[c] = cls;
  }
  return cls === 1;
}

/** A surrogate pair is one code point (a lone surrogate is a gap, as in a /u regex split). */
function surrogateIsWord(s: string, i: number): boolean {
  const cp = s.codePointAt(i)!;
  return cp > 0xffff && WORD_CHAR.test(String.fromCodePoint(cp));
}

function unitWidth(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
}

function pushBigrams(word: string, out: string[]): void {
  const chars = Array.from(word);
  if (chars.length === 1) {
    out.push(word);
    return;
  }
  const end = Math.min(chars.length - 1, MAX_BIGRAMS_PER_RUN);
  for (let i = 0; i < end; i++) out.push(chars[i]! + chars[i + 1]!);
}

/** The stem of s[start, end) (lower-case a-z only), whose characters hash to `hash`. */
function stemAt(s: string, start: number, end: number, hash: number): string {
  // 0 marks an empty slot, so no word's key is 0.
  const key = hash | 1;
  const { keys, words, stems } = memo;
  const mask = keys.length - 1;
  let slot = key & mask;
  for (let seen = keys[slot]; seen !== 0; seen = keys[slot]) {
    if (seen === key && sameWord(words[slot]!, s, start, end)) return stems[slot]!;
    slot = (slot + 1) & mask;
  }
  const word = s.slice(start, end);
  const stem = porterStemmer.stem(word);
  if (memo.used >= keys.length >>> 1) memo = keys.length < STEM_SLOTS_MOST ? grown(memo) : emptyMemo(keys.length);
  remember(memo, key, word, stem);
  return stem;
}

function remember(m: StemMemo, key: number, word: string, stem: string): void {
  const mask = m.keys.length - 1;
  let slot = key & mask;
  while (m.keys[slot] !== 0) slot = (slot + 1) & mask;
  m.keys[slot] = key;
  m.words[slot] = word;
  m.stems[slot] = stem;
  m.used++;
}

function grown(m: StemMemo): StemMemo {
  const next = emptyMemo(m.keys.length * 2);
  for (let slot = 0; slot < m.keys.length; slot++) {
    if (m.keys[slot] !== 0) remember(next, m.keys[slot]!, m.words[slot]!, m.stems[slot]!);
  }
  return next;
}

function sameWord(word: string, s: string, start: number, end: number): boolean {
  if (word.length !== end - start) return false;
  for (let k = 0; k < word.length; k++) if (word.charCodeAt(k) !== s.charCodeAt(start + k)) return false;
  return true;
}
