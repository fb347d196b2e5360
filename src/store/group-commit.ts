// Small write units committed together, one transaction for the units of a short window. A
// commit writes every page it dirtied to the WAL, and that, not the statements, was the largest
// cost of a webhook delivery's bookkeeping (bench:delivery: ~170 µs a commit against ~12 µs for
// its five updates). Units that touch neighbouring rows, such as the deliveries of concurrent
// webhook streams, also share those pages.
//
// Like Nagle's algorithm: a unit that arrives when nothing was committed for IDLE_MS is
// committed at once (in the next turn of the event loop), so an idle system waits for nothing;
// under load the units that arrive within `windowMs` of the first join one commit.
//
// A unit only writes to the database: when one throws, the group is rolled back and every unit
// runs again alone, so only the failing one rejects. A unit may therefore run twice.
import type { Db } from './database.js';

/** No commit for this long: the system is idle, and a unit is committed without waiting. */
const IDLE_MS = 20;

interface Unit {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit {
  readonly #db: Db;
  readonly #windowMs: number;
  #pending: Unit[] = [];
  #lastFlush = 0;
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;

  constructor(db: Db, windowMs = 1) {
    this.#db = db;
    this.#windowMs = windowMs;
  }

  /** Runs `write` in the next group transaction; resolves once that transaction has committed. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const unit: Unit = { write, resolve: resolve as (value: unknown) => void, reject };
      if (this.#pending.push(unit) > 1) return;
      if (performance.now() - this.#lastFlush > IDLE_MS) this.#timer = setImmediate(() => this.#flush());
      else this.#timer = setTimeout(() => this.#flush(), this.#windowMs);
    });
  }

  /** Commits the waiting units now: for a caller that knows no other unit can join them. */
  flushNow(): void {
    if (this.#pending.length > 0) this.#flush();
  }

  #flush(): void {
    clearTimeout(this.#timer as NodeJS.Timeout);
    clearImmediate(this.#timer as NodeJS.Immediate);
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    this.#lastFlush = performance.now();
    let results: unknown[];
    try {
      results = this.#db.transaction(() => batch.map((u) => u.write()))();
    } catch {
      // Which unit failed is not known from here: each runs alone, and only its own error counts.
      for (const u of batch) {
        try {
          u.resolve(this.#db.transaction(u.write)());
        } catch (err) {
          u.reject(err);
        }
      }
      return;
    }
    batch.forEach((u, i) => u.resolve(results[i]));
  }
}
