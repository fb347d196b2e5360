import { describe, expect, it } from 'vitest';
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { tokenizeText } from '../../../src/spam/text-tokenizer.js';
import { hashFeature } from '../../../src/spam/feature-hash.js';

/** The n-th five-letter word of a-z, in a fixed order: distinct for every n below 26^5. */
function nthWord(n: number): string {
  let word = '';
  for (let k = n, i = 0; i < 5; i++, k = Math.floor(k / 26)) word = String.fromCharCode(97 + (k % 26)) + word;
  return word;
}

describe('tokenizeText()', () => {
  it('tokenizeText(): when given English, lower-cases and Porter-stems words', () => {
    expect(tokenizeText('Running OFFERS, Limited!')).toEqual(['run', 'offer', 'limit']);
  });

  it('tokenizeText(): when given accented Latin or Cyrillic, keeps the words whole', () => {
    expect(tokenizeText('Größte Aktion für Sie')).toEqual(['größte', 'aktion', 'für', 'sie']);
    expect(tokenizeText('Скидка только сегодня')).toEqual(['скидка', 'только', 'сегодня']);
  });

  it('tokenizeText(): when given a script without spaces, emits character bigrams', () => {
    expect(tokenizeText('免费赠送')).toEqual(['免费', '费赠', '赠送']);
    expect(tokenizeText('限定セール')).toEqual(['限定', '定セ', 'セー', 'ール']);
  });

  it('tokenizeText(): when a run is very long, summarises its shape instead of its text', () => {
    expect(tokenizeText(`x ${'a'.repeat(57)} y`)).toEqual(['skip:a50']);
  });

  it('tokenizeText(): keeps money amounts and folds long numbers to their length', () => {
    expect(tokenizeText('only $199 or 1234567')).toEqual(['onli', '$199', 'or', 'num:7']);
  });

  it('tokenizeText(): past the size of the stem memo, still stems every word as the stemmer does', () => {
    // 150,000 distinct words: more than the memo holds, so it empties and refills while the
    // same words come round again (and many share a slot, so lookups probe past each other).
    const words = Array.from({ length: 150_000 }, (_, n) => nthWord(n));
    const expected = words.map((w) => porterStemmer.stem(w));
    // In messages of 10,000 words: the tokenizer reads 200k characters of one text.
    const got = Array.from({ length: 15 }, (_, i) => tokenizeText(words.slice(i * 10_000, (i + 1) * 10_000).join(' '))).flat();
    expect(got).toEqual(expected);
    expect(tokenizeText(words.slice(0, 1000).join(' '))).toEqual(expected.slice(0, 1000));
    expect(tokenizeText('caresses ponies running')).toEqual(['caress', 'poni', 'run']);
  });

  it('tokenizeText(): two words whose characters hash alike each keep their own stem', () => {
    // The memo keys words by the FNV-1a hash that hashFeature computes too; these two collide
    // (found by a search over random words).
    const [a, b] = ['lknrfen', 'wzdpulz'];
    expect(hashFeature(a)).toBe(hashFeature(b));
    expect(tokenizeText(`${a} ${b} ${a} ${b}`)).toEqual([a, b, a, b].map((w) => porterStemmer.stem(w)));
    expect(tokenizeText(`${b}s ${a}s`)).toEqual([`${b}s`, `${a}s`].map((w) => porterStemmer.stem(w)));
  });

  it('tokenizeText(): when given nothing or only punctuation, returns no tokens', () => {
    expect(tokenizeText('')).toEqual([]);
    expect(tokenizeText('... !!! ???')).toEqual([]);
  });

  it('tokenizeText(): on full-width characters, normalises them first (NFKC)', () => {
    expect(tokenizeText('ＦＲＥＥ')).toEqual(['free']);
  });
});
