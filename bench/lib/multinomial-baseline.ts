// A plain multinomial naive Bayes, the textbook one (Laplace smoothing, log probabilities,
// every occurrence of every subject and body word counted), trained and tested on the same
// split as Intake. It is the bar any cleverer filter has to clear on words alone.
import type { LabelledMessage } from './labelled-corpus.js';
import type { BaselineResult } from './natural-baseline.js';
import { WARM_UP_MESSAGES } from './natural-baseline.js';
import { emptyConfusion, percentile, rates, record, round } from './metrics.js';

const WORD = /[\p{L}\p{N}$€£¥']+/gu;

export function words(m: Pick<LabelledMessage, 'input'>): string[] {
  return `${m.input.subject}\n${m.input.text}`.toLowerCase().match(WORD) ?? [];
}

export class MultinomialNb {
  readonly #counts = new Map<string, [number, number]>();
  readonly #tokens: [number, number] = [0, 0];
  readonly #docs: [number, number] = [0, 0];

  learn(tokens: readonly string[], label: 'spam' | 'ham'): void {
    const k = label === 'spam' ? 0 : 1;
    this.#docs[k] += 1;
    for (const t of tokens) {
      let c = this.#counts.get(t);
      if (!c) this.#counts.set(t, (c = [0, 0]));
      c[k] += 1;
      this.#tokens[k] += 1;
    }
  }

  /** log P(spam | words) - log P(ham | words); > 0 is spam. */
  logOdds(tokens: readonly string[]): number {
    const v = this.#counts.size;
    const denomSpam = Math.log(this.#tokens[0] + v);
    const denomHam = Math.log(this.#tokens[1] + v);
    let odds = Math.log((this.#docs[0] + 1) / (this.#docs[1] + 1));
    for (const t of tokens) {
      const c = this.#counts.get(t);
      if (!c) continue; // a word neither class has seen adds the same to both sides
      odds += Math.log(c[0] + 1) - denomSpam - (Math.log(c[1] + 1) - denomHam);
    }
    return odds;
  }

  get vocabulary(): number {
    return this.#counts.size;
  }
}

export function runMultinomialBaseline(train: readonly LabelledMessage[], test: readonly LabelledMessage[]): BaselineResult {
  const nb = new MultinomialNb();
  const started = performance.now();
  const learnTimes = train.map((m) => {
    const t = performance.now();
    nb.learn(words(m), m.label);
    return performance.now() - t;
  });
  const trainS = (performance.now() - started) / 1000;
  for (const m of train.slice(0, WARM_UP_MESSAGES)) nb.logOdds(words(m));
  const confusion = emptyConfusion();
  const times: number[] = [];
  for (const m of test) {
    const t = performance.now();
    const spam = nb.logOdds(words(m)) > 0;
    times.push(performance.now() - t);
    record(confusion, m.label, spam ? 'spam' : 'ham');
  }
  return {
    rates: rates(confusion),
    trainS: round(trainS, 2),
    classifyP50Ms: round(percentile(times, 50), 4),
    classifyP99Ms: round(percentile(times, 99), 4),
    learnP50Ms: round(percentile(learnTimes, 50), 4),
    // ~40 bytes a vocabulary entry in a JS Map: a rough in-memory size.
    modelMb: round((nb.vocabulary * 40) / 1e6, 2),
    classifySamples: times.length,
  };
}
