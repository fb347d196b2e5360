// Figures of a classification run: confusion counts into the rates the benchmark reports,
// and percentiles of timing samples. Pure.

export type Outcome = 'ham' | 'unsure' | 'spam';

export interface Confusion {
  spamTotal: number;
  hamTotal: number;
  spamCaught: number;
  hamAsSpam: number;
  unsure: number;
  /** spam sent to review (unsure): flagged, though not quarantined */
  spamUnsure: number;
  correct: number;
}

export function emptyConfusion(): Confusion {
  return { spamTotal: 0, hamTotal: 0, spamCaught: 0, hamAsSpam: 0, unsure: 0, spamUnsure: 0, correct: 0 };
}

/** Unsure counts as not caught for recall and as not correct for accuracy: it needs a human. */
export function record(c: Confusion, truth: 'spam' | 'ham', outcome: Outcome): void {
  if (truth === 'spam') c.spamTotal++;
  else c.hamTotal++;
  if (outcome === 'unsure') c.unsure++;
  if (outcome === 'unsure' && truth === 'spam') c.spamUnsure++;
  if (truth === 'spam' && outcome === 'spam') c.spamCaught++;
  if (truth === 'ham' && outcome === 'spam') c.hamAsSpam++;
  if (outcome === truth) c.correct++;
}

export function rates(c: Confusion): {
  accuracy_pct: number;
  spam_recall_pct: number;
  fpr_pct: number;
  unsure_pct: number;
  spam_flagged_pct: number;
  ham_unsure_pct: number;
} {
  const pct = (n: number, d: number): number => (d === 0 ? 0 : round((100 * n) / d, 2));
  return {
    accuracy_pct: pct(c.correct, c.spamTotal + c.hamTotal),
    spam_recall_pct: pct(c.spamCaught, c.spamTotal),
    fpr_pct: pct(c.hamAsSpam, c.hamTotal),
    unsure_pct: pct(c.unsure, c.spamTotal + c.hamTotal),
    // Quarantined or sent to review: the spam a person is at least warned about.
    spam_flagged_pct: pct(c.spamCaught + c.spamUnsure, c.spamTotal),
    ham_unsure_pct: pct(c.unsure - c.spamUnsure, c.hamTotal),
  };
}

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function peakRssMb(): number {
  return round(process.resourceUsage().maxRSS / 1024, 1);
}
