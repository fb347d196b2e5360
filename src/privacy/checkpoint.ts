// After deleting personal data: copy the WAL into the database file and truncate it, so
// the old page images (with the deleted content) are gone from the WAL file too.
import type { Db } from '../store/database.js';

/**
 * The daemon's background checkpoint (store/background-checkpoint.ts) holds the checkpoint lock
 * for a few milliseconds at a time; a TRUNCATE that meets it is tried again, this often, this long apart.
 */
const BUSY_TRIES = 20;
const BUSY_PAUSE_MS = 5;

/** True when every frame was copied and the WAL truncated; false when a reader kept some back. */
export function checkpointTruncate(db: Db): boolean {
  for (let attempt = 1; ; attempt++) {
    const r = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    const row = r[0];
    if (row !== undefined && row.busy === 0) return true;
    if (attempt === BUSY_TRIES) return false;
    // Synchronous on purpose: the caller's erasure must not interleave with other work here.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, BUSY_PAUSE_MS);
  }
}
