// WAL checkpoints off the daemon's main thread. SQLite's automatic checkpoint runs inside the
// commit that crosses wal_autocheckpoint (1,000 pages) and waits for two fsyncs there: every
// ~60 ingested messages the main thread stalled for ~4 ms, and the analyse worker, with no
// message to parse, waited with it (its gaps summed to 11% of bench:ingest's time). Here a
// worker thread (checkpoint-worker.ts) with its own connection runs PASSIVE checkpoints on an interval (they never
// block the writer), and the main connection's automatic checkpoint is turned off while it runs.
// If the thread dies, the automatic checkpoint comes back, so the WAL never grows unchecked.
import { Worker } from 'node:worker_threads';
import { threadEntry } from '../threads/thread-entry.js';
import type { Db } from './database.js';
import type { CheckpointFailed, CheckpointSetup } from './checkpoint-worker.js';

/** Where a warning about the thread goes (the daemon's logger). */
export interface CheckpointLog {
  warn(fields: object, message: string): void;
}

/** SQLite's own default, restored when the background thread stops. */
const AUTOCHECKPOINT_PAGES = 1000;

export interface BackgroundCheckpoints {
  /** Stops the thread (after one last checkpoint) and gives checkpoints back to the main connection. */
  stop(): Promise<void>;
}

export function startBackgroundCheckpoints(db: Db, intervalMs: number, log: CheckpointLog): BackgroundCheckpoints {
  if (db.memory) return { stop: () => Promise.resolve() };
  const entry = threadEntry(import.meta.url, 'checkpoint-worker');
  const worker = new Worker(entry.url, {
    execArgv: entry.execArgv,
    workerData: { file: db.name, intervalMs } satisfies CheckpointSetup,
    // It allocates next to nothing; a small heap keeps the thread's memory small too.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
  });
  db.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  let exited = false;
  const fallBack = (reason: string) => {
    if (stopping || !db.open) return;
    db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    log.warn({ reason }, 'background checkpoint thread stopped; the main connection checkpoints again');
  };
  worker.on('message', (m: CheckpointFailed) => {
    log.warn({ code: m.failed }, 'background WAL checkpoint failed; retrying at the next interval');
  });
  worker.on('error', (err: Error) => fallBack(err.name));
  worker.on('exit', (code) => {
    exited = true;
    fallBack(`exit ${code}`);
  });
  worker.unref();
  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      if (!exited) {
        const gone = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        // Unreferenced, the thread would not keep this process alive until it has stopped.
        worker.ref();
        worker.postMessage('stop');
        await gone;
      }
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    },
  };
}
