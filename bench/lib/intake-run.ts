// Runs Intake's filter for the benchmark on a fresh SQLite file: learn every training
// message through the real learn() (one transaction each), or count them as the starter
// model does; then classify the test messages, timing each call.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/database.js';
import { extractFeatures } from '../../src/spam/features.js';
import { SpamFilter } from '../../src/spam/spam-filter.js';
import type { SpamStats } from '../../src/spam/spam-filter.js';
import type { SpamOptions } from '../../src/spam/spam-options.js';
import { spamInputFromRaw } from '../../src/spam/spam-input.js';
import { StarterBatch } from '../../src/spam/starter-model.js';
import type { LabelledMessage } from './labelled-corpus.js';
import { emptyConfusion, percentile, rates, record, round } from './metrics.js';

export interface IntakeResult {
  rates: ReturnType<typeof rates>;
  trainS: number;
  classifyP50Ms: number;
  classifyP99Ms: number;
  learnP50Ms: number;
  classifySamples: number;
  stats: SpamStats;
  scores: { label: 'spam' | 'ham'; score: number }[];
}

export type TrainMode = 'learn' | 'starter';

/** Classifies one message with the trained filter (for timing it on another sample). */
export type ClassifyOne = (m: LabelledMessage) => void;

/** The trained filter, while it is open: classify one parsed message, or raw bytes end to end. */
export interface OpenFilter {
  classify: ClassifyOne;
  classifyRaw: (raw: Buffer) => Promise<void>;
}

/**
 * `whileOpen` runs after the test split is classified, with the model still loaded: the
 * benchmark trains natural there and times both on the same messages, back to back.
 */
export async function runIntake(
  train: readonly LabelledMessage[],
  test: readonly LabelledMessage[],
  options: SpamOptions,
  mode: TrainMode,
  whileOpen?: (open: OpenFilter) => Promise<void>,
): Promise<IntakeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'intake-bench-spam-'));
  const db = openDatabase(join(dir, 'bench.sqlite'));
  try {
    const filter = new SpamFilter(db, options);
    const started = performance.now();
    const learnTimes = mode === 'learn' ? learnAll(filter, train) : starterAll(filter, train);
    const trainS = (performance.now() - started) / 1000;
    // Steady state, as in a running daemon: the model loaded and the code JIT-compiled, by
    // classifying training messages (never test ones) before timing.
    for (const m of train.slice(0, 300)) filter.classify(m.input);
    const confusion = emptyConfusion();
    const times: number[] = [];
    const scores: IntakeResult['scores'] = [];
    for (const m of test) {
      const t = performance.now();
      const v = filter.classify(m.input);
      times.push(performance.now() - t);
      record(confusion, m.label, v.verdict);
      scores.push({ label: m.label, score: v.score });
    }
    await whileOpen?.({
      classify: (m) => void filter.classify(m.input),
      classifyRaw: async (raw) => void filter.classify(await spamInputFromRaw(raw)),
    });
    const learnP50 = learnTimes.length > 0 ? learnTimes : learnSample(filter, test);
    return {
      rates: rates(confusion),
      trainS: round(trainS, 2),
      classifyP50Ms: round(percentile(times, 50), 4),
      classifyP99Ms: round(percentile(times, 99), 4),
      classifySamples: times.length,
      learnP50Ms: round(percentile(learnP50, 50), 3),
      stats: filter.stats(),
      scores,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function learnAll(filter: SpamFilter, train: readonly LabelledMessage[]): number[] {
  return train.map((m, i) => {
    const t = performance.now();
    filter.learn(`bench:${i}`, m.input, m.label);
    return performance.now() - t;
  });
}

function starterAll(filter: SpamFilter, train: readonly LabelledMessage[]): number[] {
  const batch = new StarterBatch();
  for (const m of train) batch.add(extractFeatures(m.input), m.label);
  filter.addStarterCounts(batch.counts, batch.messages);
  return [];
}

/** After a starter-only training, time learn() on a few messages (then forget them). */
function learnSample(filter: SpamFilter, sample: readonly LabelledMessage[]): number[] {
  return sample.slice(0, 50).map((m, i) => {
    const t = performance.now();
    filter.learn(`bench-sample:${i}`, m.input, m.label);
    const ms = performance.now() - t;
    filter.unlearn(`bench-sample:${i}`);
    return ms;
  });
}
