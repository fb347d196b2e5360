import { describe, expect, it } from 'vitest';
import { chi2Q, fisherScore, grahamScore, naiveBayesScore, tokenProbability } from '../../../src/spam/bayes.js';

describe('tokenProbability()', () => {
  it('tokenProbability(): when a token was never counted, returns the neutral 0.5', () => {
    expect(tokenProbability({ spam: 0, ham: 0 }, { spam: 10, ham: 10 }, 0.45)).toBe(0.5);
  });

  it('tokenProbability(): when seen only in spam, leans to spam and grows with evidence', () => {
    const once = tokenProbability({ spam: 1, ham: 0 }, { spam: 10, ham: 10 }, 0.45);
    const often = tokenProbability({ spam: 9, ham: 0 }, { spam: 10, ham: 10 }, 0.45);
    expect(once).toBeCloseTo((0.45 * 0.5 + 1) / 1.45, 10);
    expect(often).toBeGreaterThan(once);
    expect(often).toBeLessThan(1);
  });

  it('tokenProbability(): when the classes are unbalanced, compares rates, not raw counts', () => {
    // 10 of 100 spam vs 10 of 1000 ham: ten times more frequent in spam.
    const p = tokenProbability({ spam: 10, ham: 10 }, { spam: 100, ham: 1000 }, 0);
    expect(p).toBeCloseTo(10 / 11, 10);
  });

  it('tokenProbability(): when the ham class is empty, still answers without dividing by zero', () => {
    expect(tokenProbability({ spam: 5, ham: 0 }, { spam: 5, ham: 0 }, 0.45)).toBeCloseTo((0.225 + 5) / 5.45, 10);
  });
});

describe('chi2Q()', () => {
  it('chi2Q(): when x2 is 0, returns 1', () => {
    expect(chi2Q(0, 4)).toBe(1);
  });

  it('chi2Q(): matches the closed form for 2 degrees of freedom', () => {
    expect(chi2Q(3, 2)).toBeCloseTo(Math.exp(-1.5), 12);
  });

  it('chi2Q(): matches a table value (x2 = 9.488, df = 4 -> 0.05)', () => {
    expect(chi2Q(9.488, 4)).toBeCloseTo(0.05, 3);
  });
});

describe('fisherScore()', () => {
  it('fisherScore(): when there is no evidence, returns 0.5 (unsure)', () => {
    expect(fisherScore([])).toBe(0.5);
  });

  it('fisherScore(): when all clues are spammy, is near 1; hammy, near 0', () => {
    expect(fisherScore([0.99, 0.98, 0.95, 0.9])).toBeGreaterThan(0.95);
    expect(fisherScore([0.01, 0.02, 0.05, 0.1])).toBeLessThan(0.05);
  });

  it('fisherScore(): when strong clues conflict, stays in the middle', () => {
    const s = fisherScore([0.99, 0.99, 0.01, 0.01]);
    expect(s).toBeGreaterThan(0.3);
    expect(s).toBeLessThan(0.7);
  });

  it('fisherScore(): on thousands of extreme clues, neither underflows nor returns NaN', () => {
    const s = fisherScore(Array.from({ length: 5000 }, () => 0.999));
    expect(Number.isFinite(s)).toBe(true);
    expect(s).toBeGreaterThan(0.99);
  });
});

describe('alternative rules', () => {
  it('grahamScore(): when no token has enough counts, returns 0.5', () => {
    expect(grahamScore([{ spam: 1, ham: 0 }], { spam: 10, ham: 10 })).toBe(0.5);
  });

  it('naiveBayesScore(): when every token is spam-only, returns a spam posterior', () => {
    expect(
      naiveBayesScore(
        [
          { spam: 9, ham: 0 },
          { spam: 8, ham: 0 },
        ],
        { spam: 10, ham: 10 },
      ),
    ).toBeGreaterThan(0.9);
  });
});
