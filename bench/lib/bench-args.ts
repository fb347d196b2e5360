// Command-line flags of bench:spam, parsed strictly: an unknown flag stops the run.
import { parseArgs } from 'node:util';

export interface SpamBenchArgs {
  quick: boolean;
  corpus: string | null;
  test: string | null;
  rule: 'fisher' | 'graham' | 'naive-bayes';
  starterWeight: number | null;
  hamThreshold: number | null;
  spamThreshold: number | null;
  naturalTrain: number;
  naturalTest: number;
  sweep: boolean;
}

export function parseBenchArgs(argv: string[]): SpamBenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      corpus: { type: 'string' },
      test: { type: 'string' },
      rule: { type: 'string', default: 'fisher' },
      'starter-weight': { type: 'string' },
      'ham-threshold': { type: 'string' },
      'spam-threshold': { type: 'string' },
      'natural-train': { type: 'string' },
      'natural-test': { type: 'string' },
      sweep: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const rule = values.rule;
  if (rule !== 'fisher' && rule !== 'graham' && rule !== 'naive-bayes') throw new Error(`--rule must be fisher, graham or naive-bayes`);
  if (values.corpus && values.test) throw new Error('--corpus and --test cannot be combined');
  return {
    quick: values.quick,
    corpus: values.corpus ?? null,
    test: values.test ?? null,
    rule,
    starterWeight: values['starter-weight'] ? Number(values['starter-weight']) : null,
    hamThreshold: values['ham-threshold'] ? Number(values['ham-threshold']) : null,
    spamThreshold: values['spam-threshold'] ? Number(values['spam-threshold']) : null,
    // natural on the whole training split takes ~2 minutes; a smaller one flatters its speed.
    naturalTrain: Number(values['natural-train'] ?? (values.quick ? 300 : Infinity)),
    naturalTest: Number(values['natural-test'] ?? (values.quick ? 100 : 400)),
    sweep: values.sweep,
  };
}
