// The WAL checkpoint thread (background-checkpoint.ts): its own connection to the store, a
// PASSIVE checkpoint every intervalMs, and one last one when told to stop.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointSetup {
  file: string;
  intervalMs: number;
}

/** What the thread tells the main thread: a checkpoint that failed, by its SQLite code. */
export interface CheckpointFailed {
  failed: string;
}

const setup = workerData as CheckpointSetup;
if (!parentPort) throw new Error('checkpoint-worker.ts runs only as a worker thread');
const port = parentPort;
const db = new Database(setup.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');

function checkpoint(): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    port.postMessage({ failed: (err as { code?: string }).code ?? 'error' } satisfies CheckpointFailed);
  }
}

const timer = setInterval(checkpoint, setup.intervalMs);
// Any message means stop.
port.once('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  port.close();
});
