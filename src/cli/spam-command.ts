// `intake spam train|stats|reset`: teaches the filter from mail on disk, shows what the model
// knows, or forgets it. Thin: parsing flags and printing; the work is in src/spam/.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type Database from 'better-sqlite3';
import { trainFromPath } from '../spam/corpus-trainer.js';
import type { TrainTotals } from '../spam/corpus-trainer.js';
import { formatProgress } from '../spam/progress-format.js';
import { SpamFilter } from '../spam/spam-filter.js';
import type { SpamOptions } from '../spam/spam-options.js';
import type { SpamLabel } from '../spam/spam-verdict.js';
import { ensureStarterModel } from '../spam/starter-model.js';

export interface SpamCommandContext {
  db: Database.Database;
  options: SpamOptions;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

const USAGE = `usage:
  intake spam train [--spam PATH]... [--ham PATH]...   learn from an mbox file, a Maildir or a folder of messages
  intake spam train --starter                          train the starter model (SpamAssassin corpus) if the model is empty
  intake spam stats                                    what the model has learned
  intake spam reset --yes [--starter-only]             forget everything (or only the starter corpus)`;

class UsageError extends Error {}

export async function runSpamCommand(args: string[], ctx: SpamCommandContext): Promise<number> {
  const [sub, ...rest] = args;
  try {
    const filter = new SpamFilter(ctx.db, ctx.options);
    switch (sub) {
      case 'train':
        return await train(filter, rest, ctx);
      case 'stats':
        return stats(filter, rest, ctx);
      case 'reset':
        return reset(filter, rest, ctx);
      default:
        throw new UsageError(sub ? `unknown spam command "${sub}"` : 'missing spam command');
    }
  } catch (err) {
    if (!(err instanceof UsageError) && !isParseArgsError(err)) throw err;
    ctx.err.write(`intake spam: ${err.message}\n${USAGE}\n`);
    return 2;
  }
}

function isParseArgsError(err: unknown): err is TypeError {
  return err instanceof TypeError && String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

async function train(filter: SpamFilter, args: string[], ctx: SpamCommandContext): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { spam: { type: 'string', multiple: true }, ham: { type: 'string', multiple: true }, starter: { type: 'boolean' } },
    strict: true,
  });
  if (values.starter) return trainStarter(filter, ctx);
  const jobs: [SpamLabel, string][] = [
    ...(values.spam ?? []).map((p): [SpamLabel, string] => ['spam', p]),
    ...(values.ham ?? []).map((p): [SpamLabel, string] => ['ham', p]),
  ];
  if (jobs.length === 0) throw new UsageError('train needs --spam PATH and/or --ham PATH');
  for (const [, path] of jobs) if (!existsSync(path)) throw new UsageError(`no such file or directory: ${path}`);
  let failures = 0;
  for (const [label, path] of jobs) {
    const started = Date.now();
    const progress = progressWriter(ctx.err);
    const totals = await trainFromPath(filter, path, label, (done, total) =>
      progress(formatProgress({ label, done, total, elapsedMs: Date.now() - started })),
    );
    progress(null);
    failures += reportTotals(ctx, label, path, totals);
  }
  stats(filter, [], ctx);
  return failures > 0 ? 1 : 0;
}

async function trainStarter(filter: SpamFilter, ctx: SpamCommandContext): Promise<number> {
  const started = Date.now();
  const progress = progressWriter(ctx.err);
  const outcome = await ensureStarterModel(filter, { starterModel: true }, (done, total) =>
    progress(formatProgress({ label: 'start', done, total, elapsedMs: Date.now() - started })),
  );
  progress(null);
  if (outcome.status === 'trained') ctx.out.write(`starter model: ${outcome.spam} spam + ${outcome.ham} ham in ${outcome.ms} ms\n`);
  else ctx.out.write(`starter model not trained: ${outcome.reason}\n`);
  return outcome.status === 'unavailable' ? 1 : 0;
}

/** On a terminal, one line rewritten in place (throttled); elsewhere, a line every 500 messages. */
function progressWriter(stream: NodeJS.WriteStream): (line: string | null) => void {
  let last = 0;
  let calls = 0;
  let pending = '';
  return (line) => {
    if (line === null) {
      if (stream.isTTY && pending) stream.write(`\r${pending}\n`);
      return;
    }
    pending = line;
    calls++;
    if (stream.isTTY && Date.now() - last > 100) {
      stream.write(`\r${line}`);
      last = Date.now();
    } else if (!stream.isTTY && calls % 500 === 0) stream.write(`${line}\n`);
  };
}

function reportTotals(ctx: SpamCommandContext, label: SpamLabel, path: string, t: TrainTotals): number {
  ctx.out.write(`${label}: ${path}: learned ${t.learned}, already known ${t.unchanged}, unreadable ${t.failed.length}\n`);
  for (const f of t.failed) ctx.err.write(`  unreadable: ${f.source}: ${f.reason}\n`);
  return t.failed.length;
}

function stats(filter: SpamFilter, args: string[], ctx: SpamCommandContext): number {
  if (args.length > 0) throw new UsageError(`stats takes no arguments`);
  const s = filter.stats();
  const mb = (b: number | null): string => (b === null ? 'n/a' : `${(b / 1e6).toFixed(2)} MB`);
  const rows: [string, string][] = [
    ['learned spam', String(s.spam)],
    ['learned ham', String(s.ham)],
    ['starter spam', String(s.starterSpam)],
    ['starter ham', String(s.starterHam)],
    ['features', String(s.features)],
    ['remembered messages', String(s.trainedMessages)],
    ['model size', mb(s.modelBytes)],
    ['message memory', mb(s.docsBytes)],
    ['thresholds', `ham < ${ctx.options.hamThreshold} <= unsure < ${ctx.options.spamThreshold} <= spam`],
    ['starter weight', String(ctx.options.starterWeight)],
  ];
  for (const [k, v] of rows) ctx.out.write(`${k.padEnd(20)} ${v}\n`);
  return 0;
}

function reset(filter: SpamFilter, args: string[], ctx: SpamCommandContext): number {
  const { values } = parseArgs({ args, options: { yes: { type: 'boolean' }, 'starter-only': { type: 'boolean' } }, strict: true });
  if (!values.yes) throw new UsageError('reset forgets what the filter learned; confirm with --yes');
  filter.reset(values['starter-only'] ? 'starter' : 'all');
  ctx.out.write(
    values['starter-only']
      ? 'starter corpus counts removed\n'
      : 'spam model reset; the starter model is retrained at the next start when spam.starterModel is on\n',
  );
  return 0;
}
