// bench:spam — Intake's spam filter against three baselines on the same seeded 80/20
// stratified split, in the same run: natural's BayesClassifier, a plain multinomial NB and
// bogofilter (contract: shared/BENCHMARKS.md). `--body-only` judges every filter on the
// text-only view. Progress goes to stderr; the human table, then one JSON line, to stdout.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { defaultSpamOptions } from '../src/spam/spam-options.js';
import type { SpamOptions } from '../src/spam/spam-options.js';
import { parseBenchArgs } from './lib/bench-args.js';
import type { SpamBenchArgs } from './lib/bench-args.js';
import { runIntake } from './lib/intake-run.js';
import type { IntakeResult, OpenFilter } from './lib/intake-run.js';
import { bogofilterVersion, runBogofilter } from './lib/bogofilter-baseline.js';
import type { BogofilterResult } from './lib/bogofilter-baseline.js';
import { writeSplit } from './lib/messages-on-disk.js';
import type { MessagesOnDisk } from './lib/messages-on-disk.js';
import { runMultinomialBaseline } from './lib/multinomial-baseline.js';
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

async function load(files: LabelledFile[], what: string, bodyOnly: boolean): Promise<LabelledMessage[]> {
  log(`parsing ${files.length} messages of ${what}${bodyOnly ? ' (text-only view)' : ''}`);
  return parseAll(
    files,
    (n) => {
      if (n % 1000 === 0) log(`  parsed ${n}/${files.length}`);
    },
    { bodyOnly },
  );
}

async function buildSplit(args: SpamBenchArgs): Promise<Split> {
  const byLabel = (m: LabelledFile): string => m.label;
  let files = args.corpus ? await directoryCorpusFiles(args.corpus) : defaultCorpusFiles();
  if (args.quick) files = stratifiedSample(files, byLabel, QUICK_SIZE, SEED);
  const name = `${args.corpus ?? 'spamassassin'}${args.bodyOnly ? ' (body only)' : ''}`;
  if (args.test) {
    const train = await load(files, name, args.bodyOnly);
    const test = await load(await directoryCorpusFiles(args.test), args.test, args.bodyOnly);
    return {
      train,
      test,
      mode: 'starter',
      describe: `train ${name} all (${count(train)}) as starter model, test ${args.test} (${count(test)})`,
    };
  }
  const all = await load(files, name, args.bodyOnly);
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
  const bogoVersion = bogofilterVersion();
  if (!bogoVersion && process.env.CI === 'true') throw new Error('bogofilter is not installed (CI=true): apt-get install bogofilter');
  if (!bogoVersion) log('bogofilter is not installed: its baseline is left out (apt-get install bogofilter)');
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
  const onDisk = writeSplit(split.train, split.test);
  try {
    log(`intake: ${split.mode === 'learn' ? 'learning' : 'counting'} ${split.train.length} messages`);
    let ourRss = 0;
    let theirs: BaselineResult | null = null;
    let sameMessages: number[] = [];
    let endToEnd: number[] = [];
    const ours = await runIntake(split.train, split.test, options, split.mode, async (open) => {
      ourRss = peakRssMb();
      endToEnd = await timeEndToEnd(onDisk, split.train.slice(0, WARM_UP_MESSAGES), open);
      log(`natural: training on ${naturalTrain.length}, testing on ${naturalTest.length}`);
      theirs = runNaturalBaseline(naturalTrain, naturalTest, log);
      // Right after natural, on its very messages, warmed the same way: the ratio compares like with like.
      sameMessages = timeOnSameMessages(naturalTest, split.train.slice(0, WARM_UP_MESSAGES), open);
    });
    if (args.sweep) log(sweepThresholds(ours.scores));
    if (!theirs) throw new Error('natural baseline did not run');
    log(`multinomial: training on ${split.train.length}, testing on ${split.test.length}`);
    const multinomial = runMultinomialBaseline(split.train, split.test);
    const multinomialRss = peakRssMb();
    log(bogoVersion ? `bogofilter ${bogoVersion}: registering ${split.train.length}, testing ${split.test.length}` : 'bogofilter: skipped');
    const bogo = bogoVersion ? runBogofilter(split.train, split.test, onDisk, bogoVersion) : null;
    report(
      args,
      split,
      { ours, ourRss, endToEnd },
      { natural: theirs, multinomial, multinomialRss, bogo },
      {
        sub: { train: naturalTrain.length, test: naturalTest.length },
        cv,
        sameMessages,
      },
    );
  } finally {
    onDisk.remove();
  }
}

/** Read the file, parse it, extract features, classify: what bogofilter -T -b does per message. */
async function timeEndToEnd(onDisk: MessagesOnDisk, warmUp: readonly LabelledMessage[], open: OpenFilter): Promise<number[]> {
  for (const m of warmUp) await open.classifyRaw(m.raw);
  const times: number[] = [];
  for (const file of onDisk.test) {
    const t = performance.now();
    await open.classifyRaw(readFileSync(file));
    times.push(performance.now() - t);
  }
  return times;
}

/** Intake's classify timed on `messages`, SAME_MESSAGE_ROUNDS times over (one sample a call). */
function timeOnSameMessages(messages: readonly LabelledMessage[], warmUp: readonly LabelledMessage[], open: OpenFilter): number[] {
  for (const m of warmUp) open.classify(m);
  const times: number[] = [];
  for (let round = 0; round < SAME_MESSAGE_ROUNDS; round++) {
    for (const m of messages) {
      const t = performance.now();
      open.classify(m);
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

interface Baselines {
  natural: BaselineResult;
  multinomial: BaselineResult;
  multinomialRss: number;
  bogo: BogofilterResult | null;
}

function bogofilterFigures(b: BogofilterResult): Record<string, unknown> {
  return {
    ...b.atDefault,
    train_s: b.trainS,
    // Bulk mode gives one wall time for the whole test split: per message, parse included.
    classify_p50_ms: b.perMessageMs,
    classify_p99_ms: null,
    end_to_end_p50_ms: b.perMessageMs,
    learn_p50_ms: b.learnPerMessageMs,
    model_mb: b.modelMb,
    peak_rss_mb: b.peakRssMb,
    classify_samples: b.classifySamples,
    version: b.version,
    cutoffs: '0.45/0.99',
    cutoff_0_5: b.atHalf,
  };
}

function report(
  args: SpamBenchArgs,
  split: Split,
  intake: { ours: IntakeResult; ourRss: number; endToEnd: readonly number[] },
  baselines: Baselines,
  extra: { sub: { train: number; test: number }; cv: CvOutcome | null; sameMessages: readonly number[] },
): void {
  const { ours, ourRss } = intake;
  const { natural: theirs, multinomial, bogo } = baselines;
  const { sub, cv, sameMessages } = extra;
  const o = benchOptions(args, cv);
  if (cv)
    process.stdout.write(
      `cross-validation on the training split only (${args.cvFolds} folds; chosen for a mature model: s ${o.matureTokenStrength}, minProb ${o.matureMinProbStrength}, maxDisc ${o.maxDiscriminators}, thresholds ${o.hamThreshold}/${o.spamThreshold})\n${cv.table}\n\n`,
    );
  const endToEndP50 = round(percentile(intake.endToEnd, 50), 4);
  const mine = { ...figures(ours, round((ours.stats.modelBytes ?? 0) / 1e6, 2), ourRss), end_to_end_p50_ms: endToEndP50 };
  const base = figures(theirs, theirs.modelMb, peakRssMb());
  const multi = figures(multinomial, multinomial.modelMb, baselines.multinomialRss);
  const bogoFig = bogo ? bogofilterFigures(bogo) : null;
  const subset =
    sub.train < split.train.length || sub.test < split.test.length
      ? `train ${sub.train} of ${split.train.length}, test ${sub.test} of ${split.test.length} (same split; natural is too slow for all)`
      : 'none';
  // Both p50s on natural's test subset, each warmed up, timed back to back in one process.
  const sameP50 = round(percentile(sameMessages, 50), 4);
  const ratio = round(theirs.classifyP50Ms / Math.max(sameP50, 1e-6), 1);
  const cell = (r: Record<string, unknown> | null, k: string): string => {
    const v = r?.[k];
    return typeof v === 'number' || typeof v === 'string' || v === null ? String(v) : '-';
  };
  const half = bogo ? (bogo.atHalf as Record<string, unknown>) : null;
  const rows = Object.keys(mine).map((k) => [k, cell(mine, k), cell(multi, k), cell(bogoFig, k), cell(half, k), cell(base, k)]);
  rows.push([
    'classify_samples',
    String(ours.classifySamples),
    String(multinomial.classifySamples),
    cell(bogoFig, 'classify_samples'),
    '',
    String(theirs.classifySamples),
  ]);
  rows.push(['classify_p50_same_msgs_ms', String(sameP50), '', '', '', String(theirs.classifyP50Ms)]);
  process.stdout.write(
    `bench:spam  ${split.describe}  (rule ${o.rule}, thresholds ${o.hamThreshold}/${o.spamThreshold}, starter weight ${o.starterWeight})\n`,
  );
  process.stdout.write(`${formatTable(['figure', 'intake', 'multinomial', 'bogofilter 0.45/0.99', 'bogofilter 0.5', 'natural'], rows)}\n`);
  const parseP50 = round(
    percentile(
      [...split.train, ...split.test].map((m) => m.parseMs),
      50,
    ),
    3,
  );
  const ratioRecall = (b: { spam_recall_pct: number } | undefined): number | null =>
    b ? round(ours.rates.spam_recall_pct / Math.max(b.spam_recall_pct, 1e-6), 3) : null;
  // Like for like: bogofilter cannot classify without parsing, so both sides are end to end.
  const ratioBogoSpeed = bogo ? round(bogo.perMessageMs / Math.max(endToEndP50, 1e-6), 2) : null;
  process.stdout.write(
    `natural.subset: ${subset}\nclassify speed vs natural (p50 on the same ${theirs.classifySamples} messages, intake x${SAME_MESSAGE_ROUNDS} rounds): ${ratio}x   end to end (read + parse + features + classify) p50 ${endToEndP50} ms vs bogofilter ${bogo?.perMessageMs ?? '-'} ms a message (bulk -T -b): ${ratioBogoSpeed ?? '-'}x   mime parse p50: ${parseP50} ms   trained-message memory: ${round((ours.stats.docsBytes ?? 0) / 1e6, 2)} MB   features: ${ours.stats.features}\n`,
  );
  const json = {
    bench: 'spam',
    node: process.version,
    cpus: cpus().length,
    input: split.describe,
    view: args.bodyOnly ? 'body-only' : 'full',
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
    multinomial: { ...multi, subset: 'none', classify_samples: multinomial.classifySamples },
    bogofilter: bogoFig,
    ratio_classify_speed_vs_natural: ratio,
    ratio_recall_vs_multinomial: ratioRecall(multinomial.rates),
    ratio_recall_vs_bogofilter: ratioRecall(bogo?.atDefault),
    ratio_recall_vs_bogofilter_0_5: ratioRecall(bogo?.atHalf),
    ratio_classify_speed_vs_bogofilter: ratioBogoSpeed,
    ...(cv?.json ?? {}),
  };
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:spam could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
