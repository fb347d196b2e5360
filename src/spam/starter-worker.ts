// The starter model's counting, run in a child process: parsing 6,000 corpus messages and
// writing half a million counts grows the heap and the allocator's arenas by a few hundred MB
// that neither V8 nor glibc hands back to the OS afterwards (a worker thread measured the same
// 400 MB as counting in place). Here the process counts, writes the counts into the model's
// SQLite file itself (WAL: the daemon keeps serving meanwhile) and exits, taking all of that
// memory with it. With no file (a model in memory) the counts come back as three typed arrays.
import Database from 'better-sqlite3';
import { countEntries, StarterBatch } from './starter-counting.js';
import { writeStarterCounts } from './spam-filter.js';
import { SpamModelRepo } from './spam-model-repo.js';
import type { CorpusEntry } from './spamassassin-corpus.js';

export interface StarterWorkerRequest {
  entries: CorpusEntry[];
  /** the model's SQLite file to write into, or null to send the counts back */
  dbFile: string | null;
}

export interface StarterWorkerResult {
  /** the counts, when they were not written to a file */
  counts: { hashes: Uint32Array; spam: Uint32Array; ham: Uint32Array } | null;
  messages: { spam: number; ham: number };
  /** the counting process's own peak RSS, so the cost of a fresh start stays visible */
  peakRssMb: number;
}

async function count({ entries, dbFile }: StarterWorkerRequest): Promise<StarterWorkerResult> {
  const batch = new StarterBatch();
  await countEntries(entries, batch);
  const counts = dbFile ? (writeToFile(dbFile, batch), null) : asArrays(batch);
  return { counts, messages: batch.messages, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

function writeToFile(dbFile: string, batch: StarterBatch): void {
  const db = new Database(dbFile, { fileMustExist: true });
  try {
    // The daemon may write a session or an audit row meanwhile: wait for it rather than fail.
    db.pragma('busy_timeout = 60000');
    writeStarterCounts(new SpamModelRepo(db), batch.counts, batch.messages);
  } finally {
    db.close();
  }
}

function asArrays(batch: StarterBatch): NonNullable<StarterWorkerResult['counts']> {
  const n = batch.counts.size;
  const out = { hashes: new Uint32Array(n), spam: new Uint32Array(n), ham: new Uint32Array(n) };
  let i = 0;
  for (const [hash, [spam, ham]] of batch.counts) {
    out.hashes[i] = hash;
    out.spam[i] = spam;
    out.ham[i] = ham;
    i++;
  }
  return out;
}

process.once('message', (request: StarterWorkerRequest) => {
  count(request).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (err: unknown) => {
      process.stderr.write(`starter model counting failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
});
