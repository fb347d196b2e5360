// The whole model held in memory (a Map of hash -> counts), because classifying must cost
// microseconds, not one SQLite lookup per token. SQLite stays the truth; this is rebuilt
// from it whenever the stored generation moves past the one loaded.

export interface StoredCounts {
  spam: number;
  ham: number;
  starterSpam: number;
  starterHam: number;
}

/** One change to one feature's counts; the same shape for totals. */
export type CountDelta = StoredCounts;

export function zeroCounts(): StoredCounts {
  return { spam: 0, ham: 0, starterSpam: 0, starterHam: 0 };
}

export class ModelCache {
  readonly tokens = new Map<number, StoredCounts>();
  totals: StoredCounts = zeroCounts();
  generation = -1;

  applyDelta(hash: number, d: CountDelta): void {
    const current = this.tokens.get(hash) ?? zeroCounts();
    addClamped(current, d);
    if (current.spam + current.ham + current.starterSpam + current.starterHam === 0) this.tokens.delete(hash);
    else this.tokens.set(hash, current);
  }

  applyTotals(d: CountDelta): void {
    addClamped(this.totals, d);
  }
}

/** Counts never go below zero, in memory as in SQL (MAX(0, ...)). */
export function addClamped(target: StoredCounts, d: CountDelta): void {
  target.spam = Math.max(0, target.spam + d.spam);
  target.ham = Math.max(0, target.ham + d.ham);
  target.starterSpam = Math.max(0, target.starterSpam + d.starterSpam);
  target.starterHam = Math.max(0, target.starterHam + d.starterHam);
}
