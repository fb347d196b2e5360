// "Nothing more is on its way", as a state to wait for instead of a sleep: every mailbox has
// finished a sync pass that began after the call, and no job is waiting or running. Read from
// the store itself, so it serves an in-process daemon and a daemon process alike.
import Database from 'better-sqlite3';
import type { Db } from '../../src/store/database.js';
import { waitFor } from './test-daemon.js';

interface Quiet {
  unsynced: number;
  pending: number;
}

function quiet(db: Pick<Db, 'prepare'>, since: number): Quiet {
  const unsynced = db
    .prepare(
      `SELECT COUNT(*) AS n FROM mailboxes m LEFT JOIN sync_state s ON s.mailbox_id = m.id
       WHERE m.state IN ('backfilling', 'syncing') AND COALESCE(s.last_success_at, 0) <= ?`,
    )
    .get(since) as { n: number };
  const pending = db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state IN ('waiting', 'active')").get() as { n: number };
  return { unsynced: unsynced.n, pending: pending.n };
}

/** Waits until the daemon using `db` is settled; `syncNow` (when given) starts the passes at once. */
export async function untilSettled(db: Pick<Db, 'prepare'>, syncNow?: () => void, timeoutMs = 60_000): Promise<void> {
  const since = Date.now();
  syncNow?.();
  await waitFor(
    () => quiet(db, since),
    (q) => q.unsynced === 0 && q.pending === 0,
    timeoutMs,
  );
}

/** The same for a daemon process, through a read-only connection to its database file. */
export async function untilFileSettled(dbFile: string, timeoutMs = 60_000): Promise<void> {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    await untilSettled(db, undefined, timeoutMs);
  } finally {
    db.close();
  }
}
