// --cv: k-fold cross-validation inside the TRAINING split only, so every setting the bench
// reports was chosen without looking at the test split. Counts live in a plain Map here
// (the same scoreFeatures() as production), because k models through SQLite would be slow.
import { extractFeatures } from '../../src/spam/features.js';
import { hashFeature } from '../../src/spam/feature-hash.js';
import type { StoredCounts } from '../../src/spam/model-cache.js';
import type { SpamOptions } from '../../src/spam/spam-options.js';
import { scoreFeatures } from '../../src/spam/spam-verdict.js';
import type { LabelledMessage } from './labelled-corpus.js';
import { mulberry32, shuffled } from './seeded-split.js';

export type Scored = { label: 'spam' | 'ham'; score: number };
// The CV models hold thousands of own messages, so they are mature: the mature knobs are tuned.
export type ScoringKnobs = Pick<SpamOptions, 'matureTokenStrength' | 'matureMinProbStrength' | 'maxDiscriminators'>;

interface Featured {
  label: 'spam' | 'ham';
  features: string[];
  hashes: Uint32Array;
}

/** Stratified fold index of each message (seeded), so every fold holds both classes. */
export function assignFolds(labels: readonly ('spam' | 'ham')[], k: number, seed: number): number[] {
  const folds = new Array<number>(labels.length).fill(0);
  const random = mulberry32(seed);
  for (const cls of ['ham', 'spam'] as const) {
    const idx = labels.flatMap((l, i) => (l === cls ? [i] : []));
    shuffled(idx, random).forEach((i, n) => (folds[i] = n % k));
  }
  return folds;
}

/** Out-of-fold scores for each knob setting: train on k-1 folds, score the held-out one. */
export function outOfFoldScores(
  train: readonly LabelledMessage[],
  k: number,
  seed: number,
  grid: readonly ScoringKnobs[],
  base: SpamOptions,
): Scored[][] {
  const items: Featured[] = train.map((m) => {
    const features = extractFeatures(m.input);
    return { label: m.label, features, hashes: Uint32Array.from(new Set(features.map(hashFeature))) };
  });
  const folds = assignFolds(
    items.map((m) => m.label),
    k,
    seed,
  );
  const out: Scored[][] = grid.map(() => []);
  for (let fold = 0; fold < k; fold++) {
    const { tokens, totals } = countFolds(items, folds, fold);
    const lookup = (h: number): StoredCounts | undefined => tokens.get(h);
    items.forEach((m, i) => {
      if (folds[i] !== fold) return;
      grid.forEach((knobs, g) =>
        out[g]!.push({ label: m.label, score: scoreFeatures(m.features, lookup, totals, { ...base, ...knobs }).score }),
      );
    });
  }
  return out;
}

function countFolds(
  items: readonly Featured[],
  folds: readonly number[],
  heldOut: number,
): { tokens: Map<number, StoredCounts>; totals: StoredCounts } {
  const tokens = new Map<number, StoredCounts>();
  const totals: StoredCounts = { spam: 0, ham: 0, starterSpam: 0, starterHam: 0 };
  items.forEach((m, i) => {
    if (folds[i] === heldOut) return;
    totals[m.label] += 1;
    for (const h of m.hashes) {
      let c = tokens.get(h);
      if (!c) tokens.set(h, (c = { spam: 0, ham: 0, starterSpam: 0, starterHam: 0 }));
      c[m.label] += 1;
    }
  });
  return { tokens, totals };
}
