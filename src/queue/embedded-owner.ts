// One process per database for the embedded queue: a second daemon on the same SQLite file
// would run a second scheduler and a second set of workers against one lease table. The
// owner row is taken in an IMMEDIATE transaction and refreshed by a heartbeat; an owner whose
// process is gone (same host, pid dead) or whose heartbeat stopped (another host) is replaced.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Db } from '../store/database.js';
import { IntakeError } from '../errors/intake-error.js';

interface OwnerRow {
  owner: string;
  host: string;
  pid: number;
  heartbeat_at: number;
}

export interface Ownership {
  release(): void;
}

/** Owner tokens held by this process: a second claim from the same process is a duplicate too. */
const heldHere = new Set<string>();

export interface OwnerCheck {
  now: number;
  host: string;
  pid: number;
  staleMs: number;
  isAlive: (pid: number) => boolean;
  heldHere: (owner: string) => boolean;
}

/** Pure: may a new process take the queue over from `row`? */
export function ownerIsGone(row: OwnerRow, check: OwnerCheck): boolean {
  if (check.heldHere(row.owner)) return false;
  if (row.host === check.host) {
    // The same pid on the same host is an earlier run of this very process slot (a container restart).
    return row.pid === check.pid || !check.isAlive(row.pid);
  }
  return check.now - row.heartbeat_at > check.staleMs;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function claimEmbeddedOwnership(db: Db, options: { heartbeatMs?: number; staleMs?: number } = {}): Ownership {
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const staleMs = options.staleMs ?? 30_000;
  const owner = randomBytes(12).toString('hex');
  const host = hostname();
  const take = db.transaction(() => {
    const row = db.prepare<[], OwnerRow>('SELECT owner, host, pid, heartbeat_at FROM queue_owner WHERE id = 1').get();
    const now = Date.now();
    if (row && !ownerIsGone(row, { now, host, pid: process.pid, staleMs, isAlive, heldHere: (o) => heldHere.has(o) })) {
      throw new IntakeError(
        'INTAKE_ERR_QUEUE_OWNED',
        `another Intake process (pid ${row.pid} on ${row.host}) already runs the embedded queue on this database; stop it first, or set queue.driver = "bullmq" to run several processes`,
        false,
      );
    }
    db.prepare('INSERT OR REPLACE INTO queue_owner (id, owner, host, pid, heartbeat_at) VALUES (1, ?, ?, ?, ?)').run(
      owner,
      host,
      process.pid,
      now,
    );
  });
  take.immediate();
  heldHere.add(owner);
  const beat = db.prepare('UPDATE queue_owner SET heartbeat_at = ? WHERE id = 1 AND owner = ?');
  const timer = setInterval(() => beat.run(Date.now(), owner), heartbeatMs);
  timer.unref();
  return {
    release: () => {
      clearInterval(timer);
      heldHere.delete(owner);
      if (db.open) db.prepare('DELETE FROM queue_owner WHERE id = 1 AND owner = ?').run(owner);
    },
  };
}
