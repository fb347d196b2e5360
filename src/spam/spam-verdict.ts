// From a message's features and the model's counts to a verdict with its explanation. Pure:
// the counts come in through a lookup, so the rule is tested without SQLite.
import { fisherScore, grahamScore, naiveBayesScore, tokenProbability } from './bayes.js';
import type { TokenCounts } from './bayes.js';
import { hashFeature } from './feature-hash.js';
import type { StoredCounts } from './model-cache.js';
import type { SpamOptions } from './spam-options.js';

export type SpamLabel = 'spam' | 'ham';

export interface SpamEvidence {
  token: string;
  /** log-odds the token adds: > 0 pushes towards spam, < 0 towards ham */
  weight: number;
}

export interface SpamVerdict {
  verdict: 'ham' | 'unsure' | 'spam';
  /** 0..1, the model's spam probability */
  score: number;
  evidence: SpamEvidence[];
}

export type CountLookup = (hash: number) => StoredCounts | undefined;

type ScoringOptions = Pick<
  SpamOptions,
  'hamThreshold' | 'spamThreshold' | 'starterSpamThreshold' | 'maturityMessages' | 'starterWeight' | 'tokenStrength' | 'minProbStrength' | 'maxDiscriminators' | 'evidenceCount' | 'rule'
>;

interface Clue {
  token: string;
  p: number;
  counts: TokenCounts;
}

/** The starter corpus counts `starterWeight` times as much as this installation's own mail. */
export function effective(c: StoredCounts, starterWeight: number): TokenCounts {
  return { spam: c.spam + starterWeight * c.starterSpam, ham: c.ham + starterWeight * c.starterHam };
}

export function scoreFeatures(features: readonly string[], lookup: CountLookup, totals: StoredCounts, o: ScoringOptions): SpamVerdict {
  const eff = effective(totals, o.starterWeight);
  const clues = cluesOf(features, lookup, eff, o);
  const strong = clues
    .filter((c) => Math.abs(c.p - 0.5) >= o.minProbStrength)
    .sort((a, b) => Math.abs(b.p - 0.5) - Math.abs(a.p - 0.5))
    .slice(0, o.maxDiscriminators);
  const score = combine(o.rule, strong, clues, eff);
  const thresholds = { hamThreshold: o.hamThreshold, spamThreshold: spamThresholdFor(totals, o) };
  return { verdict: verdictOf(score, thresholds), score, evidence: strong.slice(0, o.evidenceCount).map(toEvidence) };
}

/** The hot loop of classify: one hash and one Map lookup per feature, no other allocation. */
function cluesOf(features: readonly string[], lookup: CountLookup, eff: TokenCounts, o: ScoringOptions): Clue[] {
  const clues: Clue[] = [];
  const w = o.starterWeight;
  for (const token of features) {
    const stored = lookup(hashFeature(token));
    if (!stored) continue;
    const counts = { spam: stored.spam + w * stored.starterSpam, ham: stored.ham + w * stored.starterHam };
    clues.push({ token, p: tokenProbability(counts, eff, o.tokenStrength), counts });
  }
  return clues;
}

function combine(rule: ScoringOptions['rule'], strong: Clue[], all: Clue[], totals: TokenCounts): number {
  switch (rule) {
    case 'fisher':
      return fisherScore(strong.map((c) => c.p));
    case 'graham':
      return grahamScore(all.map((c) => c.counts), totals);
    case 'naive-bayes':
      return naiveBayesScore(all.map((c) => c.counts), totals);
  }
}

/** A model that has not yet learned enough of this installation's own mail is held to a higher bar. */
export function spamThresholdFor(totals: StoredCounts, o: Pick<SpamOptions, 'spamThreshold' | 'starterSpamThreshold' | 'maturityMessages'>): number {
  const mature = Math.min(totals.spam, totals.ham) >= o.maturityMessages;
  return mature ? o.spamThreshold : Math.max(o.spamThreshold, o.starterSpamThreshold);
}

export function verdictOf(score: number, o: Pick<SpamOptions, 'hamThreshold' | 'spamThreshold'>): SpamVerdict['verdict'] {
  if (score >= o.spamThreshold) return 'spam';
  return score < o.hamThreshold ? 'ham' : 'unsure';
}

function toEvidence(c: Clue): SpamEvidence {
  const p = Math.min(Math.max(c.p, 1e-6), 1 - 1e-6);
  return { token: c.token, weight: Math.round(Math.log(p / (1 - p)) * 1000) / 1000 };
}
