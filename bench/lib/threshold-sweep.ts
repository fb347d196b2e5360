// For tuning only (--sweep): how the split's test scores fall for a grid of thresholds.
import { formatTable } from './table.js';
import { round } from './metrics.js';

export function sweepThresholds(scores: readonly { label: 'spam' | 'ham'; score: number }[]): string {
  const spam = scores.filter((s) => s.label === 'spam');
  const ham = scores.filter((s) => s.label === 'ham');
  const rows: string[][] = [];
  for (const hamT of [0.1, 0.2, 0.3, 0.4, 0.5]) {
    for (const spamT of [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]) {
      if (spamT < hamT) continue;
      const fp = ham.filter((s) => s.score >= spamT).length;
      const caught = spam.filter((s) => s.score >= spamT).length;
      const unsure = scores.filter((s) => s.score >= hamT && s.score < spamT).length;
      const fn = spam.filter((s) => s.score < hamT).length;
      rows.push([`${hamT}/${spamT}`, pct(fp, ham.length), pct(caught, spam.length), pct(unsure, scores.length), String(fn)]);
    }
  }
  return formatTable(['ham/spam threshold', 'fpr %', 'recall %', 'unsure %', 'spam as ham'], rows);
}

function pct(n: number, d: number): string {
  return String(d === 0 ? 0 : round((100 * n) / d, 2));
}
