// bench:spam — Intake's spam filter against natural's BayesClassifier on the same seeded
// 80/20 stratified split, in the same run (contract: shared/BENCHMARKS.md). Progress goes to
// stderr; the human table, then one JSON line, go to stdout.
import { cpus } from 'node:os';
import { defaultSpamOptions } from '../src/spam/spam-options.js';
import type { SpamOptions } from '../src/spam/spam-options.js';
import { parseBenchArgs } from './lib/bench-args.js';
import type { SpamBenchArgs } from './lib/bench-args.js';
import { runIntake } from './lib/intake-run.js';
import type { ClassifyOne, IntakeResult } from './lib/intake-run.js';
import { defaultCorpusFiles, directoryCorpusFiles, parseAll } from './lib/labelled-corpus.js';
import type { LabelledFile, LabelledMessage } from './lib/labelled-corpus.js';
import { runNaturalBaseline, WARM_UP_MESSAGES } from './lib/natural-baseline.js';
import type { BaselineResult } from './lib/natural-baseline.js';
import { peakRssMb, percentile, round } from './lib/metrics.js';
import { stratifiedSample, stratifiedSplit } from './lib/seeded-split.js';
import { formatTable } from './lib/table.js';
import { sweepThresholds } from './lib/threshold-sweep.js';
import { runCv } from './lib/cv-mode.js';
import type { CvOutcome } from './lib/cv-mode.js';

const SEED = 42;
const QUICK_SIZE = 1200;
// Intake's calls are ~100x shorter than natural's: a few rounds steady its median.
const SAME_MESSAGE_ROUNDS = 3;
const log = (s: string): void => void process.stderr.write(`${s}\n`);

interface Split {
  train: LabelledMessage[];
  test: LabelledMessage[];
  describe: string;
  mode: 'learn' | 'starter';
}

async function load(files: LabelledFile[], what: string): Promise<LabelledMessage[]> {
  log(`parsing ${files.length} messages of ${what}`);
  return parseAll(files, (n) => {
    if (n % 1000 === 0) log(`  parsed ${n}/${files.length}`);
  });
}

async function buildSplit(args: SpamBenchArgs): Promise<Split> {
  const byLabel = (m: LabelledFile): string => m.label;
  let files = args.corpus ? await directoryCorpusFiles(args.corpus) : defaultCorpusFiles();
  if (args.quick) files = stratifiedSample(files, byLabel, QUICK_SIZE, SEED);
  const name = args.corpus ?? 'spamassassin';
  if (args.test) {
    const train = await load(files, name);
    const test = await load(await directoryCorpusFiles(args.test), args.test);
    return {
      train,
      test,
      mode: 'starter',
      describe: `train ${name} all (${count(train)}) as starter model, test ${args.test} (${count(test)})`,
    };
  }
  const all = await load(files, name);
  const { train, test } = stratifiedSplit(all, byLabel, 0.8, SEED);
  return {
    train,
    test,
    mode: 'learn',
    describe: `${name}${args.quick ? ' quick sample' : ''}, seed ${SEED} 80/20 stratified: train ${count(train)}, test ${count(test)}`,
  };
}

function count(ms: readonly LabelledMessage[]): string {
  const spam = ms.filter((m) => m.label === 'spam').length;
  return `${spam} spam + ${ms.length - spam} ham`;
}

function figures(r: IntakeResult | BaselineResult, modelMb: number, rss: number): Record<string, number> {
  return {
    ...r.rates,
    train_s: r.trainS,
    classify_p50_ms: r.classifyP50Ms,
    classify_p99_ms: r.classifyP99Ms,
    learn_p50_ms: r.learnP50Ms,
    model_mb: modelMb,
    peak_rss_mb: rss,
  };
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const split = await buildSplit(args);
  const cv = args.cv ? cvStep(args, split) : null;
  if (cv && args.cvOnly) {
    process.stdout.write(`bench:spam --cv-only  ${split.describe}\n${cv.table}\n`);
    process.stdout.write(
      `${JSON.stringify({ bench: 'spam', node: process.version, cpus: cpus().length, input: split.describe, ...cv.json })}\n`,
    );
    return;
  }
  const options = benchOptions(args, cv);
  const naturalTrain = stratifiedSample(split.train, (m) => m.label, args.naturalTrain, SEED);
  const naturalTest = stratifiedSample(split.test, (m) => m.label, args.naturalTest, SEED);
  log(`intake: ${split.mode === 'learn' ? 'learning' : 'counting'} ${split.train.length} messages`);
  let ourRss = 0;
  let theirs: BaselineResult | null = null;
  let sameMessages: number[] = [];
  const ours = runIntake(split.train, split.test, options, split.mode, (classify) => {
    ourRss = peakRssMb();
    log(`natural: training on ${naturalTrain.length}, testing on ${naturalTest.length}`);
    theirs = runNaturalBaseline(naturalTrain, naturalTest, log);
    // Right after natural, on its very messages, warmed the same way: the ratio compares like with like.
    sameMessages = timeOnSameMessages(naturalTest, split.train.slice(0, WARM_UP_MESSAGES), classify);
  });
  if (args.sweep) log(sweepThresholds(ours.scores));
  if (!theirs) throw new Error('natural baseline did not run');
  report(args, split, ours, ourRss, theirs, { train: naturalTrain.length, test: naturalTest.length }, cv, sameMessages);
}

/** Intake's classify timed on `messages`, SAME_MESSAGE_ROUNDS times over (one sample a call). */
function timeOnSameMessages(messages: readonly LabelledMessage[], warmUp: readonly LabelledMessage[], classify: ClassifyOne): number[] {
  for (const m of warmUp) classify(m);
  const times: number[] = [];
  for (let round = 0; round < SAME_MESSAGE_ROUNDS; round++) {
    for (const m of messages) {
      const t = performance.now();
      classify(m);
      times.push(performance.now() - t);
    }
  }
  return times;
}

function cvStep(args: SpamBenchArgs, split: Split): CvOutcome {
  const p = {
    folds: args.cvFolds,
    seed: SEED,
    fprBudgetPct: args.cvFprBudgetPct,
    unsureBudgetPct: args.cvUnsureBudgetPct,
    quick: args.quick,
  };
  return runCv(split.train, benchOptions(args, null), p, log);
}

function benchOptions(args: SpamBenchArgs, cv: CvOutcome | null): SpamOptions {
  const overrides: Partial<SpamOptions> = { rule: args.rule };
  if (cv) {
    const { matureTokenStrength, matureMinProbStrength, maxDiscriminators, hamThreshold, spamThreshold } = cv.chosen;
    Object.assign(overrides, { matureTokenStrength, matureMinProbStrength, maxDiscriminators, hamThreshold, spamThreshold });
  }
  if (args.starterWeight !== null) overrides.starterWeight = args.starterWeight;
  if (args.hamThreshold !== null) overrides.hamThreshold = args.hamThreshold;
  if (args.spamThreshold !== null) overrides.spamThreshold = args.spamThreshold;
  return defaultSpamOptions(overrides);
}

function report(
  args: SpamBenchArgs,
  split: Split,
  ours: IntakeResult,
  ourRss: number,
  theirs: BaselineResult,
  sub: { train: number; test: number },
  cv: CvOutcome | null,
  sameMessages: readonly number[],
): void {
  const o = benchOptions(args, cv);
  if (cv)
    process.stdout.write(
      `cross-validation on the training split only (${args.cvFolds} folds; chosen for a mature model: s ${o.matureTokenStrength}, minProb ${o.matureMinProbStrength}, maxDisc ${o.maxDiscriminators}, thresholds ${o.hamThreshold}/${o.spamThreshold})\n${cv.table}\n\n`,
    );
  const mine = figures(ours, round((ours.stats.modelBytes ?? 0) / 1e6, 2), ourRss);
  const base = figures(theirs, theirs.modelMb, peakRssMb());
  const subset =
    sub.train < split.train.length || sub.test < split.test.length
      ? `train ${sub.train} of ${split.train.length}, test ${sub.test} of ${split.test.length} (same split; natural is too slow for all)`
      : 'none';
  // Both p50s on natural's test subset, each warmed up, timed back to back in one process.
  const sameP50 = round(percentile(sameMessages, 50), 4);
  const ratio = round(theirs.classifyP50Ms / Math.max(sameP50, 1e-6), 1);
  const rows = Object.keys(mine).map((k) => [k, String(mine[k]), String(base[k])]);
  rows.push(['classify_samples', String(ours.classifySamples), String(theirs.classifySamples)]);
  rows.push(['classify_p50_same_msgs_ms', String(sameP50), String(theirs.classifyP50Ms)]);
  process.stdout.write(
    `bench:spam  ${split.describe}  (rule ${o.rule}, thresholds ${o.hamThreshold}/${o.spamThreshold}, starter weight ${o.starterWeight})\n`,
  );
  process.stdout.write(`${formatTable(['figure', 'intake', 'natural'], rows)}\n`);
  const parseP50 = round(
    percentile(
      [...split.train, ...split.test].map((m) => m.parseMs),
      50,
    ),
    3,
  );
  process.stdout.write(
    `natural.subset: ${subset}\nclassify speed vs natural (p50 on the same ${theirs.classifySamples} messages, intake x${SAME_MESSAGE_ROUNDS} rounds): ${ratio}x   mime parse p50 (not in classify): ${parseP50} ms   trained-message memory: ${round((ours.stats.docsBytes ?? 0) / 1e6, 2)} MB   features: ${ours.stats.features}\n`,
  );
  const json = {
    bench: 'spam',
    node: process.version,
    cpus: cpus().length,
    input: split.describe,
    rule: o.rule,
    ham_threshold: o.hamThreshold,
    spam_threshold: o.spamThreshold,
    ...mine,
    classify_samples: ours.classifySamples,
    classify_p50_same_msgs_ms: sameP50,
    classify_same_msgs_samples: sameMessages.length,
    docs_mb: round((ours.stats.docsBytes ?? 0) / 1e6, 2),
    features: ours.stats.features,
    parse_p50_ms: parseP50,
    natural: { ...base, subset, classify_samples: theirs.classifySamples },
    ratio_classify_speed_vs_natural: ratio,
    ...(cv?.json ?? {}),
  };
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:spam could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
