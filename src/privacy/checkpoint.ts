// After deleting personal data: copy the WAL into the database file and truncate it, so
// the old page images (with the deleted content) are gone from the WAL file too.
import type { Db } from '../store/database.js';

/** True when every frame was copied and the WAL truncated; false when a reader kept some back. */
export function checkpointTruncate(db: Db): boolean {
  const r = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
  const row = r[0];
  return row !== undefined && row.busy === 0;
}
