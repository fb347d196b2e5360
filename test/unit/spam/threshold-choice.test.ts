import { describe, expect, it } from 'vitest';
import { assignFolds } from '../../../bench/lib/cross-validate.js';
import { chooseThresholds, evaluate } from '../../../bench/lib/threshold-choice.js';

const scored = (label: 'spam' | 'ham', scores: number[]): { label: 'spam' | 'ham'; score: number }[] =>
  scores.map((score) => ({ label, score }));

describe('chooseThresholds()', () => {
  it('chooseThresholds(): picks the lowest spam threshold whose FPR is within budget', () => {
    const scores = [...scored('ham', [0.1, 0.1, 0.1, 0.72]), ...scored('spam', [0.75, 0.8, 0.99, 0.6])];
    const c = chooseThresholds(scores, 0, 50);
    expect(c?.spamThreshold).toBe(0.73);
    expect(c?.fprPct).toBe(0);
    expect(c?.recallPct).toBe(75);
  });

  it('chooseThresholds(): when no threshold keeps FPR within budget, returns null', () => {
    expect(chooseThresholds([...scored('ham', [1]), ...scored('spam', [1])], 0, 50)).toBeNull();
  });
});

describe('evaluate()', () => {
  it('evaluate(): counts scores between the thresholds as unsure and not correct', () => {
    const e = evaluate([...scored('ham', [0.1, 0.5]), ...scored('spam', [0.95, 0.5])], 0.2, 0.9);
    expect(e).toMatchObject({ unsurePct: 50, accuracyPct: 50, recallPct: 50, fprPct: 0 });
  });
});

describe('assignFolds()', () => {
  it('assignFolds(): spreads each class evenly over the folds, the same way for the same seed', () => {
    const labels = [...Array<'spam'>(10).fill('spam'), ...Array<'ham'>(20).fill('ham')];
    const folds = assignFolds(labels, 5, 42);
    for (let k = 0; k < 5; k++) expect(labels.filter((l, i) => l === 'spam' && folds[i] === k)).toHaveLength(2);
    expect(assignFolds(labels, 5, 42)).toEqual(folds);
  });
});
