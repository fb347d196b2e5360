// bogofilter (the reference C implementation of Robinson/Fisher) as a baseline: trained and
// tested through its command line on exactly the messages Intake gets, with a private
// wordlist directory that is removed afterwards. `-C` ignores any config file, so its own
// defaults apply (ham_cutoff 0.45, spam_cutoff 0.99); the 0.5 cutoff is read off the same
// run's scores (bogofilter calls a message spam when its score reaches spam_cutoff).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabelledMessage } from './labelled-corpus.js';
import { emptyConfusion, rates, record, round } from './metrics.js';
import type { Outcome } from './metrics.js';

export interface BogofilterResult {
  /** at bogofilter's default cutoffs (0.45 / 0.99) */
  atDefault: ReturnType<typeof rates>;
  /** one cutoff at 0.5: spam at or above, ham below, nothing unsure */
  atHalf: ReturnType<typeof rates>;
  trainS: number;
  /** wall time of the bulk -T -b run over the test split, per message (read + MIME parse + classify) */
  perMessageMs: number;
  /** wall time of the bulk registration, per training message */
  learnPerMessageMs: number;
  modelMb: number;
  peakRssMb: number | null;
  classifySamples: number;
  version: string;
}

const TIME = '/usr/bin/time';

/** Whether bogofilter can be run; with CI=true its absence is an error, never a skip. */
export function bogofilterVersion(): string | null {
  const r = spawnSync('bogofilter', ['-V'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return /bogofilter version ([\d.]+)/.exec(r.stdout + r.stderr)?.[1] ?? 'unknown';
}

/** Runs on the files of messages-on-disk.ts (the same bytes Intake is timed reading). */
export function runBogofilter(
  train: readonly LabelledMessage[],
  test: readonly LabelledMessage[],
  files: { train: readonly string[]; test: readonly string[] },
  version: string,
): BogofilterResult {
  const dir = mkdtempSync(join(tmpdir(), 'intake-bench-bogofilter-'));
  try {
    const db = join(dir, 'wordlist');
    mkdirSync(db);
    const trainFiles = files.train;
    const testFiles = files.test;
    const started = performance.now();
    bogofilter(
      ['-d', db, '-s', '-b'],
      trainFiles.filter((_, i) => train[i]!.label === 'spam'),
    );
    bogofilter(
      ['-d', db, '-n', '-b'],
      trainFiles.filter((_, i) => train[i]!.label === 'ham'),
    );
    const trainMs = performance.now() - started;
    const rssFile = join(dir, 'rss');
    const timed = existsSync(TIME);
    const t = performance.now();
    const out = timed
      ? bogofilter(['-d', db, '-T', '-b'], testFiles, [TIME, '-f', '%M', '-o', rssFile])
      : bogofilter(['-d', db, '-T', '-b'], testFiles);
    const classifyMs = performance.now() - t;
    const scores = parseScores(out, testFiles);
    const atDefault = emptyConfusion();
    const atHalf = emptyConfusion();
    test.forEach((m, i) => {
      const s = scores[i]!;
      record(atDefault, m.label, s.verdict);
      record(atHalf, m.label, s.score >= 0.5 ? 'spam' : 'ham');
    });
    return {
      atDefault: rates(atDefault),
      atHalf: rates(atHalf),
      trainS: round(trainMs / 1000, 2),
      perMessageMs: round(classifyMs / test.length, 4),
      learnPerMessageMs: round(trainMs / train.length, 4),
      modelMb: round(statSync(join(db, 'wordlist.db')).size / 1e6, 2),
      peakRssMb: timed ? maxRssMb(readFileSync(rssFile, 'utf8')) : null,
      classifySamples: test.length,
      version,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function bogofilter(args: string[], files: readonly string[], wrap: string[] = []): string {
  const argv = [...wrap, 'bogofilter', '-C', ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), { input: `${files.join('\n')}\n`, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`bogofilter could not be started (${r.error.message}); install it: apt-get install bogofilter`);
  // Exit codes in bulk mode: 0 spam, 1 ham, 2 unsure (of the last message), 3 an I/O error.
  if (r.status === null || r.status > 2) throw new Error(`bogofilter ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** GNU time's %M (KB) is the last line; a non-zero exit adds a line before it. */
function maxRssMb(out: string): number | null {
  const kb = Number(out.trim().split('\n').pop());
  return Number.isFinite(kb) ? round(kb / 1024, 1) : null;
}

/** `-T -b` prints one line a file: "path S|H|U score". */
function parseScores(out: string, files: readonly string[]): { verdict: Outcome; score: number }[] {
  const byFile = new Map<string, { verdict: Outcome; score: number }>();
  for (const line of out.split('\n')) {
    const m = /^(.*) ([SHU]) ([\d.e+-]+)$/.exec(line.trim());
    if (!m) continue;
    const verdict = m[2] === 'S' ? 'spam' : m[2] === 'H' ? 'ham' : 'unsure';
    byFile.set(m[1]!, { verdict, score: Number(m[3]) });
  }
  return files.map((f) => {
    const s = byFile.get(f);
    if (!s) throw new Error(`bogofilter printed no verdict for ${f}`);
    return s;
  });
}
