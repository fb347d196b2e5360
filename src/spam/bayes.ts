// The arithmetic of the filter, pure: Robinson's per-token probability f(w) and Fisher's
// chi-square combining (as in SpamBayes), plus the two rules it was measured against.
// Inputs are effective document counts; nothing here touches storage.

export interface TokenCounts {
  spam: number;
  ham: number;
}

/** Robinson's f(w): the class-ratio probability, shrunk towards 0.5 when evidence is thin. */
export function tokenProbability(c: TokenCounts, totals: TokenCounts, strength: number): number {
  const spamRatio = totals.spam > 0 ? c.spam / totals.spam : 0;
  const hamRatio = totals.ham > 0 ? c.ham / totals.ham : 0;
  const sum = spamRatio + hamRatio;
  if (sum === 0) return 0.5;
  const n = c.spam + c.ham;
  return (strength * 0.5 + n * (spamRatio / sum)) / (strength + n);
}

/** Fisher's combining: a 0..1 spam score, near 0.5 when the evidence is weak or conflicting. */
export function fisherScore(probs: readonly number[]): number {
  if (probs.length === 0) return 0.5;
  let lnSpam = 0;
  let lnHam = 0;
  for (const p of probs) {
    lnSpam += Math.log(1 - p);
    lnHam += Math.log(p);
  }
  return fisherFromLogs(lnSpam, lnHam, probs.length);
}

/** Fisher's combining from the summed ln(1 - p) and ln(p) of n clues. */
export function fisherFromLogs(lnSpam: number, lnHam: number, n: number): number {
  const df = 2 * n;
  const s = 1 - chi2Q(-2 * lnSpam, df);
  const h = 1 - chi2Q(-2 * lnHam, df);
  return (s - h + 1) / 2;
}

/** P(chi2 > x2) for an even number of degrees of freedom, in closed form. */
export function chi2Q(x2: number, df: number): number {
  const m = x2 / 2;
  let term = Math.exp(-m);
  let sum = term;
  for (let i = 1; i < df / 2; i++) {
    term *= m / i;
    sum += term;
  }
  return Math.min(sum, 1);
}

/** Graham's "A Plan for Spam": clipped ratios, 15 most interesting tokens, plain product. */
export function grahamScore(pairs: readonly TokenCounts[], totals: TokenCounts): number {
  const probs: number[] = [];
  for (const c of pairs) {
    const good = 2 * c.ham;
    if (good + c.spam < 5) continue;
    const b = Math.min(1, c.spam / Math.max(totals.spam, 1));
    const g = Math.min(1, good / Math.max(totals.ham, 1));
    probs.push(Math.max(0.01, Math.min(0.99, b / (g + b))));
  }
  probs.sort((x, y) => Math.abs(y - 0.5) - Math.abs(x - 0.5));
  let lnP = 0;
  let lnQ = 0;
  for (const p of probs.slice(0, 15)) {
    lnP += Math.log(p);
    lnQ += Math.log(1 - p);
  }
  return 1 / (1 + Math.exp(lnQ - lnP));
}

/** Bernoulli-style naive Bayes with Laplace smoothing, log space; score = posterior. */
export function naiveBayesScore(pairs: readonly TokenCounts[], totals: TokenCounts): number {
  const docs = totals.spam + totals.ham;
  if (docs === 0) return 0.5;
  let logOdds = Math.log((totals.spam + 1) / (totals.ham + 1));
  for (const c of pairs) {
    logOdds += Math.log((c.spam + 1) / (totals.spam + 2)) - Math.log((c.ham + 1) / (totals.ham + 2));
  }
  return 1 / (1 + Math.exp(-logOdds));
}
