// The starter model's counting, run in a child process: parsing 6,000 corpus messages grows
// the heap and the allocator's arenas by a few hundred MB that neither V8 nor glibc hands
// back to the OS afterwards (a worker thread measured the same 400 MB as counting in place).
// Counted in its own process, all of it goes when the process exits; only the counts come
// back, as three typed arrays (hash, spam count, ham count), never as objects.
import { countEntries, StarterBatch } from './starter-model.js';
import type { CorpusEntry } from './spamassassin-corpus.js';

export interface StarterWorkerResult {
  hashes: Uint32Array;
  spam: Uint32Array;
  ham: Uint32Array;
  messages: { spam: number; ham: number };
  /** the counting process's own peak RSS, so the cost of a fresh start stays visible */
  peakRssMb: number;
}

async function count(entries: CorpusEntry[]): Promise<StarterWorkerResult> {
  const batch = new StarterBatch();
  await countEntries(entries, batch);
  const n = batch.counts.size;
  const result: StarterWorkerResult = {
    hashes: new Uint32Array(n),
    spam: new Uint32Array(n),
    ham: new Uint32Array(n),
    messages: batch.messages,
    peakRssMb: 0,
  };
  let i = 0;
  for (const [hash, [spam, ham]] of batch.counts) {
    result.hashes[i] = hash;
    result.spam[i] = spam;
    result.ham[i] = ham;
    i++;
  }
  result.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  return result;
}

process.once('message', (entries: CorpusEntry[]) => {
  count(entries).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (err: unknown) => {
      process.stderr.write(`starter model counting failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
});
