// From a message's features and the model's counts to a verdict with its explanation. Pure:
// the counts come in through a lookup, so the rule is tested without SQLite.
import { fisherFromLogs, fisherScore, grahamScore, naiveBayesScore, tokenProbability } from './bayes.js';
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
  | 'hamThreshold'
  | 'spamThreshold'
  | 'starterSpamThreshold'
  | 'maturityMessages'
  | 'starterWeight'
  | 'tokenStrength'
  | 'minProbStrength'
  | 'matureTokenStrength'
  | 'matureMinProbStrength'
  | 'maxDiscriminators'
  | 'minTokenCount'
  | 'matureMinTokenCount'
  | 'evidenceCount'
  | 'rule'
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
  const thresholds = { hamThreshold: o.hamThreshold, spamThreshold: spamThresholdFor(totals, o) };
  const knobs = knobsFor(totals, o);
  if (o.rule !== 'fisher') {
    const clues = cluesOf(features, lookup, eff, o.starterWeight, knobs.tokenStrength, knobs.minTokenCount);
    const strong = strongest(clues, knobs.minProbStrength, o.maxDiscriminators);
    const score = combine(o.rule, strong, clues, eff);
    return { verdict: verdictOf(score, thresholds), score, evidence: strong.slice(0, o.evidenceCount).map(toEvidence) };
  }
  const found = strongProbabilities(features, lookup, eff, o.starterWeight, knobs);
  const chosen = found > o.maxDiscriminators ? keepStrongest(found, o.maxDiscriminators) : found;
  const score = fisherScoreOf(scratch.p, chosen);
  return { verdict: verdictOf(score, thresholds), score, evidence: topEvidence(features, chosen, o.evidenceCount) };
}

// The hot path of classify keeps its clues in reusable typed arrays: index of the feature and
// its probability, no object per token, and no sort of all of them (only the top few are
// ordered, for the explanation). Single-threaded, and nothing here re-enters.
const scratch = { p: new Float64Array(1024), at: new Int32Array(1024), strength: new Float64Array(1024) };

function grow(n: number): void {
  if (n <= scratch.p.length) return;
  const size = Math.max(n, scratch.p.length * 2);
  scratch.p = new Float64Array(size);
  scratch.at = new Int32Array(size);
  scratch.strength = new Float64Array(size);
}

/**
 * One hash and one lookup per feature; keeps those at least minProbStrength from 0.5, seen in
 * at least minTokenCount (effective) messages. Returns how many.
 */
function strongProbabilities(features: readonly string[], lookup: CountLookup, eff: TokenCounts, w: number, knobs: Knobs): number {
  grow(features.length);
  const { p, at, strength } = scratch;
  const spamTotal = eff.spam;
  const hamTotal = eff.ham;
  const s = knobs.tokenStrength;
  const minProb = knobs.minProbStrength;
  const minTokenCount = knobs.minTokenCount;
  let found = 0;
  for (let i = 0; i < features.length; i++) {
    const feature = features[i]!;
    const stored = lookup(hashFeature(feature));
    if (!stored) continue;
    // Header and structure evidence learned from fewer own messages than the floor is left
    // out: one agent mark must not turn a mailer or a header shape it shares with unrelated
    // mail into evidence against all of it (the starter's counts for the token still apply).
    const own = minTokenCount > 0 && !isWordFeature(feature) && stored.spam + stored.ham < minTokenCount ? 0 : 1;
    const spam = own * stored.spam + w * stored.starterSpam;
    const ham = own * stored.ham + w * stored.starterHam;
    // Below the floor a token is one message's accident (a typo, a one-off name).
    if (spam + ham < minTokenCount) continue;
    const prob = robinson(spam, ham, spamTotal, hamTotal, s);
    const d = Math.abs(prob - 0.5);
    if (d < minProb) continue;
    p[found] = prob;
    at[found] = i;
    strength[found] = d;
    found++;
  }
  return found;
}

/** Words of the subject and body, and link text: what a marked message says, not how it was sent. */
export function isWordFeature(feature: string): boolean {
  const c0 = feature.charCodeAt(0);
  // s: and b: (words), S: (subject case), url... (link hosts and path words)
  if (feature.charCodeAt(1) === 58) return c0 === 115 || c0 === 98 || c0 === 83;
  return feature.startsWith('url');
}

/** tokenProbability() with the counts unpacked (it stays the reference, and its tests apply). */
function robinson(spam: number, ham: number, spamTotal: number, hamTotal: number, strength: number): number {
  const spamRatio = spamTotal > 0 ? spam / spamTotal : 0;
  const hamRatio = hamTotal > 0 ? ham / hamTotal : 0;
  const sum = spamRatio + hamRatio;
  if (sum === 0) return 0.5;
  const n = spam + ham;
  return (strength * 0.5 + n * (spamRatio / sum)) / (strength + n);
}

/**
 * Compacts the scratch arrays to the `keep` strongest clues, in feature order. Ties at the
 * cut go to the earlier feature, as a stable sort by strength would choose.
 */
function keepStrongest(found: number, keep: number): number {
  const { p, at, strength } = scratch;
  const cut = kthLargest(strength.slice(0, found), keep);
  let above = 0;
  for (let i = 0; i < found; i++) if (strength[i]! > cut) above++;
  let tiesLeft = keep - above;
  let n = 0;
  for (let i = 0; i < found; i++) {
    const d = strength[i]!;
    if (d < cut || (d === cut && tiesLeft-- <= 0)) continue;
    p[n] = p[i]!;
    at[n] = at[i]!;
    strength[n] = d;
    n++;
  }
  return n;
}

/** Quickselect (Hoare partition) on a copy: the k-th largest value, k from 1. */
function kthLargest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target]!;
  }
  return values[target]!;
}

function fisherScoreOf(p: Float64Array, n: number): number {
  if (n === 0) return 0.5;
  let lnSpam = 0;
  let lnHam = 0;
  for (let i = 0; i < n; i++) {
    lnSpam += Math.log(1 - p[i]!);
    lnHam += Math.log(p[i]!);
  }
  return fisherFromLogs(lnSpam, lnHam, n);
}

/** The `count` strongest clues, strongest first (ties in feature order), as evidence. */
function topEvidence(features: readonly string[], n: number, count: number): SpamEvidence[] {
  const { p, at, strength } = scratch;
  const top: number[] = [];
  if (count === 0) return top.map(() => ({ token: '', weight: 0 }));
  for (let i = 0; i < n; i++) {
    const d = strength[i]!;
    if (top.length === count && d <= strength[top[count - 1]!]!) continue;
    let k = top.length < count ? top.length : count - 1;
    while (k > 0 && strength[top[k - 1]!]! < d) {
      top[k] = top[k - 1]!;
      k--;
    }
    top[k] = i;
  }
  return top.map((i) => toEvidence({ token: features[at[i]!]!, p: p[i]! }));
}

/** Kept for the graham and naive-bayes rules, which the benchmark still compares. */
function cluesOf(
  features: readonly string[],
  lookup: CountLookup,
  eff: TokenCounts,
  w: number,
  tokenStrength: number,
  minTokenCount: number,
): Clue[] {
  const clues: Clue[] = [];
  for (const token of features) {
    const stored = lookup(hashFeature(token));
    if (!stored) continue;
    const counts = { spam: stored.spam + w * stored.starterSpam, ham: stored.ham + w * stored.starterHam };
    if (counts.spam + counts.ham < minTokenCount) continue;
    clues.push({ token, p: tokenProbability(counts, eff, tokenStrength), counts });
  }
  return clues;
}

function strongest(clues: Clue[], minProbStrength: number, maxDiscriminators: number): Clue[] {
  return clues
    .filter((c) => Math.abs(c.p - 0.5) >= minProbStrength)
    .sort((a, b) => Math.abs(b.p - 0.5) - Math.abs(a.p - 0.5))
    .slice(0, maxDiscriminators);
}

function combine(rule: ScoringOptions['rule'], strong: Clue[], all: Clue[], totals: TokenCounts): number {
  switch (rule) {
    case 'fisher':
      return fisherScore(strong.map((c) => c.p));
    case 'graham':
      return grahamScore(
        all.map((c) => c.counts),
        totals,
      );
    case 'naive-bayes':
      return naiveBayesScore(
        all.map((c) => c.counts),
        totals,
      );
  }
}

interface Knobs {
  tokenStrength: number;
  minProbStrength: number;
  minTokenCount: number;
}

/** Has this installation learned maturityMessages of its own spam and of its own ham? */
export function isMature(totals: StoredCounts, o: Pick<SpamOptions, 'maturityMessages'>): boolean {
  return Math.min(totals.spam, totals.ham) >= o.maturityMessages;
}

/** The cautious token knobs for a young model, the cross-validated ones once it is mature. */
export function knobsFor(
  totals: StoredCounts,
  o: Pick<
    SpamOptions,
    | 'maturityMessages'
    | 'tokenStrength'
    | 'minProbStrength'
    | 'minTokenCount'
    | 'matureTokenStrength'
    | 'matureMinProbStrength'
    | 'matureMinTokenCount'
  >,
): Knobs {
  return isMature(totals, o)
    ? { tokenStrength: o.matureTokenStrength, minProbStrength: o.matureMinProbStrength, minTokenCount: o.matureMinTokenCount }
    : { tokenStrength: o.tokenStrength, minProbStrength: o.minProbStrength, minTokenCount: o.minTokenCount };
}

/** A model that has not yet learned enough of this installation's own mail is held to a higher bar. */
export function spamThresholdFor(
  totals: StoredCounts,
  o: Pick<SpamOptions, 'spamThreshold' | 'starterSpamThreshold' | 'maturityMessages'>,
): number {
  return isMature(totals, o) ? o.spamThreshold : Math.max(o.spamThreshold, o.starterSpamThreshold);
}

export function verdictOf(score: number, o: Pick<SpamOptions, 'hamThreshold' | 'spamThreshold'>): SpamVerdict['verdict'] {
  if (score >= o.spamThreshold) return 'spam';
  return score < o.hamThreshold ? 'ham' : 'unsure';
}

function toEvidence(c: Pick<Clue, 'token' | 'p'>): SpamEvidence {
  const p = Math.min(Math.max(c.p, 1e-6), 1 - 1e-6);
  return { token: c.token, weight: Math.round(Math.log(p / (1 - p)) * 1000) / 1000 };
}
