// Picks thresholds from out-of-fold scores, by a rule fixed in advance: the lowest spam
// threshold whose FPR stays within budget (most recall for that FPR), then the ham
// threshold with the best accuracy whose unsure share stays within budget. Pure.
import type { Scored } from './cross-validate.js';

export interface Choice {
  hamThreshold: number;
  spamThreshold: number;
  fprPct: number;
  recallPct: number;
  unsurePct: number;
  accuracyPct: number;
}

export const SPAM_GRID = [...Array.from({ length: 50 }, (_, i) => 0.5 + i * 0.01), 0.995, 0.999].map((t) => Math.round(t * 1000) / 1000);
export const HAM_GRID = Array.from({ length: 10 }, (_, i) => Math.round((0.05 + i * 0.05) * 100) / 100);

export function evaluate(scores: readonly Scored[], hamThreshold: number, spamThreshold: number): Choice {
  let spam = 0,
    ham = 0,
    caught = 0,
    fp = 0,
    unsure = 0,
    correct = 0;
  for (const s of scores) {
    const verdict = s.score >= spamThreshold ? 'spam' : s.score < hamThreshold ? 'ham' : 'unsure';
    if (s.label === 'spam') spam++;
    else ham++;
    if (verdict === 'unsure') unsure++;
    else if (verdict === s.label) correct++;
    if (verdict === 'spam') {
      if (s.label === 'spam') caught++;
      else fp++;
    }
  }
  const pct = (n: number, d: number): number => (d === 0 ? 0 : Math.round((10000 * n) / d) / 100);
  return {
    hamThreshold,
    spamThreshold,
    fprPct: pct(fp, ham),
    recallPct: pct(caught, spam),
    unsurePct: pct(unsure, spam + ham),
    accuracyPct: pct(correct, spam + ham),
  };
}

/** null when no spam threshold on the grid meets the FPR budget. */
export function chooseThresholds(scores: readonly Scored[], fprBudgetPct: number, unsureBudgetPct: number): Choice | null {
  const spamThreshold = SPAM_GRID.find((t) => evaluate(scores, 0, t).fprPct <= fprBudgetPct);
  if (spamThreshold === undefined) return null;
  let best: Choice | null = null;
  for (const h of HAM_GRID) {
    if (h > spamThreshold) break;
    const c = evaluate(scores, h, spamThreshold);
    if (c.unsurePct <= unsureBudgetPct && (!best || c.accuracyPct > best.accuracyPct)) best = c;
  }
  return best ?? evaluate(scores, HAM_GRID[HAM_GRID.length - 1]!, spamThreshold);
}
