// Trains the filter from mail on disk (`intake spam train`): every message learned under a
// content-hash key, so training the same files twice changes nothing and a file moved from
// ham/ to spam/ moves its counts. An unreadable message is reported, never fatal.
import { createHash } from 'node:crypto';
import { detectCorpusKind, listFiles, readCorpus } from './corpus-reader.js';
import type { SpamFilter } from './spam-filter.js';
import { spamInputFromRaw } from './spam-input.js';
import type { SpamLabel } from './spam-verdict.js';

export interface TrainTotals {
  learned: number;
  unchanged: number;
  failed: { source: string; reason: string }[];
}

export type TrainProgress = (done: number, total: number | null) => void;

export function docKeyForRaw(raw: Buffer): string {
  return `file:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
}

export async function countMessages(path: string): Promise<number | null> {
  const kind = await detectCorpusKind(path);
  if (kind === 'mbox') return null;
  if (kind === 'folder') return (await listFiles(path)).length;
  return (await listFiles(`${path}/cur`)).length + (await listFiles(`${path}/new`)).length;
}

export async function trainFromPath(filter: SpamFilter, path: string, label: SpamLabel, onProgress?: TrainProgress): Promise<TrainTotals> {
  const total = await countMessages(path);
  const totals: TrainTotals = { learned: 0, unchanged: 0, failed: [] };
  let done = 0;
  for await (const { source, raw } of readCorpus(path)) {
    try {
      const key = docKeyForRaw(raw);
      if (filter.trainedAs(key) === label) totals.unchanged++;
      else {
        filter.learn(key, await spamInputFromRaw(raw), label);
        totals.learned++;
      }
    } catch (err) {
      totals.failed.push({ source, reason: err instanceof Error ? err.message : String(err) });
    }
    onProgress?.(++done, total);
  }
  return totals;
}
