// Free text -> word tokens. natural's RegexpTokenizer splits on anything that is not a
// letter or digit in any script; natural's Porter stemmer folds English inflections; scripts
// written without spaces (CJK, Thai...) become character bigrams, so they still carry words.
import regexpTokenizers from 'natural/lib/natural/tokenizers/regexp_tokenizer.js';
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';

const MAX_TEXT_CHARS = 200_000;
const MAX_WORD = 20;
const MAX_BIGRAMS_PER_RUN = 64;
const STEM_CACHE_LIMIT = 50_000;

const splitter = new regexpTokenizers.RegexpTokenizer({ pattern: /[^\p{L}\p{M}\p{N}$€£¥'’-]+/u });
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const ASCII_WORD = /^[a-z]+$/;
const EDGE_PUNCT = /^['’-]+|['’-]+$/g;

// Stemming is the tokenizer's hot spot (~2.5 µs a word); mail repeats its vocabulary, so a
// bounded memo makes it a map lookup. Cleared wholesale when full: simple, and bounded.
const stemCache = new Map<string, string>();

export function tokenizeText(text: string): string[] {
  if (!text) return [];
  const capped = text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
  const out: string[] = [];
  for (const raw of splitter.tokenize(capped.normalize('NFKC').toLowerCase())) {
    const word = raw.replace(EDGE_PUNCT, '');
    if (word) pushWord(word, out);
  }
  return out;
}

function pushWord(word: string, out: string[]): void {
  if (UNSPACED_SCRIPT.test(word)) {
    pushBigrams(word, out);
  } else if (word.length > MAX_WORD) {
    // Long runs are base64, hashes or glued junk: their shape is evidence, their text is not.
    out.push(`skip:${word[0] ?? ''}${Math.floor(word.length / 10) * 10}`);
  } else if (word.length < 2) {
    return;
  } else if (ASCII_WORD.test(word)) {
    out.push(stem(word));
  } else if (/^\d+$/.test(word)) {
    out.push(word.length <= 4 ? word : `num:${word.length}`);
  } else {
    out.push(word);
  }
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

function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = porterStemmer.stem(word);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, stemmed);
  }
  return stemmed;
}
