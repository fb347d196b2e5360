// Gives a new install a working model: when the model is empty and the starter is on, count
// the SpamAssassin public corpus into the starter columns (one transaction, no per-message
// memory). Down-weighted by spam.starterWeight, so it cannot quarantine what it never saw.
import { readFile } from 'node:fs/promises';
import { extractFeatures } from './features.js';
import { hashFeature } from './feature-hash.js';
import type { SpamFilter } from './spam-filter.js';
import { spamInputFromRaw } from './spam-input.js';
import type { SpamOptions } from './spam-options.js';
import { SPAMASSASSIN_PACKAGE, spamAssassinEntries } from './spamassassin-corpus.js';
import type { CorpusEntry } from './spamassassin-corpus.js';
import type { SpamLabel } from './spam-verdict.js';

export type StarterOutcome =
  | { status: 'trained'; spam: number; ham: number; ms: number }
  | { status: 'skipped'; reason: 'disabled' | 'model-not-empty' }
  | { status: 'unavailable'; reason: string };

export type StarterProgress = (done: number, total: number) => void;

export async function ensureStarterModel(
  filter: SpamFilter,
  opts: Pick<SpamOptions, 'starterModel'>,
  onProgress?: StarterProgress,
  signal?: AbortSignal,
): Promise<StarterOutcome> {
  if (!opts.starterModel) return { status: 'skipped', reason: 'disabled' };
  const s = filter.stats();
  if (s.spam + s.ham + s.starterSpam + s.starterHam > 0) return { status: 'skipped', reason: 'model-not-empty' };
  const entries = spamAssassinEntries();
  if (!entries) {
    return {
      status: 'unavailable',
      reason: `${SPAMASSASSIN_PACKAGE} is not installed; the spam model starts empty and learns from agents' marks`,
    };
  }
  const started = performance.now();
  const batch = new StarterBatch();
  await countEntries(entries, batch, onProgress, signal);
  filter.addStarterCounts(batch.counts, batch.messages);
  return { status: 'trained', ...batch.messages, ms: Math.round(performance.now() - started) };
}

/** Reads, parses and counts corpus files, a few at a time so disk reads overlap parsing. */
export async function countEntries(
  entries: readonly CorpusEntry[],
  batch: StarterBatch,
  onProgress?: StarterProgress,
  signal?: AbortSignal,
): Promise<void> {
  const AHEAD = 8;
  const reads = entries.slice(0, AHEAD).map((e) => readFile(e.file));
  for (let i = 0; i < entries.length; i++) {
    // A stop asked for during start-up (SIGTERM) ends training here; nothing was written yet.
    signal?.throwIfAborted();
    const raw = await reads.shift()!;
    const next = entries[i + AHEAD];
    if (next) reads.push(readFile(next.file));
    batch.add(extractFeatures(await spamInputFromRaw(raw)), entries[i]!.label);
    onProgress?.(i + 1, entries.length);
  }
}

/** Message counts per feature hash, accumulated in memory before one write. */
export class StarterBatch {
  readonly counts = new Map<number, [number, number]>();
  readonly messages = { spam: 0, ham: 0 };

  add(features: readonly string[], label: SpamLabel): void {
    const seen = new Set<number>();
    for (const f of features) seen.add(hashFeature(f));
    const slot = label === 'spam' ? 0 : 1;
    for (const h of seen) {
      const pair = this.counts.get(h) ?? [0, 0];
      pair[slot] += 1;
      this.counts.set(h, pair);
    }
    this.messages[label] += 1;
  }
}
