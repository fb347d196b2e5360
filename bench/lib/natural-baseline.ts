// The baseline: natural's BayesClassifier (deep import; the package root prints and reads
// ./.env), trained and tested on the same split, on subject + body text.
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import type { LabelledMessage } from './labelled-corpus.js';
import { emptyConfusion, percentile, rates, record, round } from './metrics.js';

export interface BaselineResult {
  rates: ReturnType<typeof rates>;
  trainS: number;
  classifyP50Ms: number;
  classifyP99Ms: number;
  learnP50Ms: number;
  modelMb: number;
  classifySamples: number;
}

/** How many training messages each classifier classifies, untimed, before its timed calls. */
export const WARM_UP_MESSAGES = 30;

function textOf(m: LabelledMessage): string {
  return `${m.input.subject}\n${m.input.text}`;
}

export function runNaturalBaseline(
  train: readonly LabelledMessage[],
  test: readonly LabelledMessage[],
  log: (s: string) => void,
): BaselineResult {
  const classifier = new BayesClassifier();
  const started = performance.now();
  for (const m of train) classifier.addDocument(textOf(m), m.label);
  classifier.train();
  const trainS = (performance.now() - started) / 1000;
  log(`natural: trained on ${train.length} in ${trainS.toFixed(1)} s`);
  // Warm-up as Intake gets one: JIT-compiled code, caches filled; training messages only.
  for (const m of train.slice(0, WARM_UP_MESSAGES)) classifier.classify(textOf(m));
  const confusion = emptyConfusion();
  const times: number[] = [];
  for (const m of test) {
    const t = performance.now();
    const label = classifier.classify(textOf(m)) === 'spam' ? 'spam' : 'ham';
    times.push(performance.now() - t);
    record(confusion, m.label, label);
  }
  const learnTimes = test.slice(0, 20).map((m) => {
    const t = performance.now();
    classifier.addDocument(textOf(m), m.label);
    classifier.train(); // incremental: it only processes documents added since the last call
    return performance.now() - t;
  });
  return {
    rates: rates(confusion),
    trainS: round(trainS, 2),
    classifyP50Ms: round(percentile(times, 50), 3),
    classifyP99Ms: round(percentile(times, 99), 3),
    learnP50Ms: round(percentile(learnTimes, 50), 3),
    modelMb: round(Buffer.byteLength(JSON.stringify(classifier)) / 1e6, 2),
    classifySamples: times.length,
  };
}
