import { describe, expect, it } from 'vitest';
import { tokenizeText } from '../../../src/spam/text-tokenizer.js';

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

  it('tokenizeText(): when given nothing or only punctuation, returns no tokens', () => {
    expect(tokenizeText('')).toEqual([]);
    expect(tokenizeText('... !!! ???')).toEqual([]);
  });

  it('tokenizeText(): on full-width characters, normalises them first (NFKC)', () => {
    expect(tokenizeText('ＦＲＥＥ')).toEqual(['free']);
  });
});
