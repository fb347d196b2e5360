// Counting the starter corpus: read, parse and count files into per-feature message counts.
// Its own module so the counting process and the benchmark share it without an import cycle.
import { readFile } from 'node:fs/promises';
import { extractFeatures } from './features.js';
import { hashFeature } from './feature-hash.js';
import { spamInputFromRaw } from './spam-input.js';
import type { CorpusEntry } from './spamassassin-corpus.js';
import type { SpamLabel } from './spam-verdict.js';

export type StarterProgress = (done: number, total: number) => void;

/** Reads, parses and counts corpus files, a few at a time so disk reads overlap parsing. */
export async function countEntries(entries: readonly CorpusEntry[], batch: StarterBatch, onProgress?: StarterProgress): Promise<void> {
  const AHEAD = 8;
  const reads = entries.slice(0, AHEAD).map((e) => readFile(e.file));
  for (let i = 0; i < entries.length; i++) {
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
