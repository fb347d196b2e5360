// Gives a new install a working model: when the model is empty and the starter is on, count
// the SpamAssassin public corpus into the starter columns (one transaction, no per-message
// memory). Down-weighted by spam.starterWeight, so it cannot quarantine what it never saw.
// The counting runs in a child process (starter-worker.ts), so none of the corpus stays in
// the daemon's memory afterwards.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StarterWorkerRequest, StarterWorkerResult } from './starter-worker.js';
import type { StarterProgress } from './starter-counting.js';
// Re-exported: the benchmark counts the corpus in process with the same code.
export { countEntries, StarterBatch, type StarterProgress } from './starter-counting.js';
import type { SpamFilter } from './spam-filter.js';
import type { SpamOptions } from './spam-options.js';
import { SPAMASSASSIN_PACKAGE, spamAssassinEntries } from './spamassassin-corpus.js';

export type StarterOutcome =
  | { status: 'trained'; spam: number; ham: number; ms: number; countingPeakRssMb: number }
  | { status: 'skipped'; reason: 'disabled' | 'model-not-empty' }
  | { status: 'unavailable'; reason: string };

export async function ensureStarterModel(
  filter: SpamFilter,
  opts: Pick<SpamOptions, 'starterModel'>,
  onProgress?: StarterProgress,
  signal?: AbortSignal,
): Promise<StarterOutcome> {
  if (!opts.starterModel) return { status: 'skipped', reason: 'disabled' };
  const s = filter.stats();
  if (s.spam + s.ham + s.starterSpam + s.starterHam > 0) return { status: 'skipped', reason: 'model-not-empty' };
  const entries = spamAssassinEntries();
  if (!entries) {
    return {
      status: 'unavailable',
      reason: `${SPAMASSASSIN_PACKAGE} is not installed; the spam model starts empty and learns from agents' marks`,
    };
  }
  const started = performance.now();
  const counted = await countInWorker({ entries, dbFile: filter.storeFile }, signal);
  onProgress?.(entries.length, entries.length);
  if (counted.counts) filter.addStarterCounts(starterCounts(counted.counts), counted.messages);
  else filter.reload();
  return { status: 'trained', ...counted.messages, ms: Math.round(performance.now() - started), countingPeakRssMb: counted.peakRssMb };
}

/**
 * Runs starter-worker as a child process. From source (tests, tsx) the worker is a .ts file and
 * needs the tsx loader that the built daemon does not have; from dist it is plain .js.
 */
function countInWorker(request: StarterWorkerRequest, signal?: AbortSignal): Promise<StarterWorkerResult> {
  signal?.throwIfAborted();
  const fromSource = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(fromSource ? './starter-worker.ts' : './starter-worker.js', import.meta.url));
  const child = fork(file, [], {
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  // A stop asked for during start-up (SIGTERM) ends the counting; its uncommitted writes roll back.
  const stop = () => child.kill('SIGTERM');
  signal?.addEventListener('abort', stop, { once: true });
  return new Promise<StarterWorkerResult>((resolve, reject) => {
    let result: StarterWorkerResult | undefined;
    child.once('message', (m) => (result = m as StarterWorkerResult));
    child.once('error', reject);
    child.once('exit', (code, exitSignal) => {
      signal?.removeEventListener('abort', stop);
      if (result) resolve(result);
      else if (signal?.aborted) reject(signal.reason as Error);
      else reject(new Error(`the starter model's counting process ended (${exitSignal ?? `exit ${code}`}) before it finished`));
    });
    child.send(request);
  });
}

function* starterCounts(r: NonNullable<StarterWorkerResult['counts']>): Generator<[number, [number, number]]> {
  for (let i = 0; i < r.hashes.length; i++) yield [r.hashes[i]!, [r.spam[i]!, r.ham[i]!]];
}
