import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../../src/store/database.js';
import { GroupCommit } from '../../../src/store/group-commit.js';

describe('GroupCommit', () => {
  let dir: string;
  let db: Db;
  const insert = (n: number) => () => db.prepare('INSERT INTO marks (n) VALUES (?)').run(n).changes;
  const stored = (other: Db = db) => other.prepare('SELECT n FROM marks ORDER BY n').pluck().all();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'intake-group-'));
    db = openDatabase(join(dir, 'intake.sqlite'));
    db.exec('CREATE TABLE marks (n INTEGER PRIMARY KEY)');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('run(): commits the units of one burst in one transaction, each resolved with its own result, visible to another connection', async () => {
    const transactions = vi.spyOn(db, 'transaction');
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => new GroupCommit(db).run(insert(n))));
    // Five committers, five transactions; one committer below, one transaction for all of its units.
    expect(transactions).toHaveBeenCalledTimes(5);
    transactions.mockClear();
    const commits = new GroupCommit(db);
    expect(await Promise.all([6, 7, 8, 9, 10].map((n) => commits.run(insert(n))))).toEqual([1, 1, 1, 1, 1]);
    expect(transactions).toHaveBeenCalledTimes(1);
    expect(results).toEqual([1, 1, 1, 1, 1]);
    const reader = new Database(join(dir, 'intake.sqlite'), { readonly: true });
    expect(stored(reader)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    reader.close();
  });

  it('run(): a unit that throws is rolled back and rejects alone; the others of its group are committed', async () => {
    const commits = new GroupCommit(db);
    let runsOfFirst = 0;
    const outcomes = await Promise.allSettled([
      commits.run(() => {
        runsOfFirst++;
        return insert(1)();
      }),
      commits.run(insert(2)),
      commits.run(() => {
        insert(3)();
        throw new Error('constraint broken');
      }),
      commits.run(insert(4)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ message: 'constraint broken' });
    // The group ran once and was rolled back, then each unit alone: the third unit's row is gone.
    expect(runsOfFirst).toBe(2);
    expect(stored()).toEqual([1, 2, 4]);
  });

  it('run(): an idle committer does not wait for its window; a unit right after a commit waits and joins the next burst', async () => {
    // A window of a minute: the first unit would time the test out if it waited for it.
    const idle = new GroupCommit(db, 60_000);
    expect(await idle.run(insert(1))).toBe(1);

    const busy = new GroupCommit(db, 5);
    await busy.run(insert(2));
    const transactions = vi.spyOn(db, 'transaction');
    // Just after a commit, so under load: these three wait the 5 ms window and commit together.
    const first = busy.run(insert(3));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [busy.run(insert(4)), busy.run(insert(5))];
    await Promise.all([first, ...later]);
    expect(transactions).toHaveBeenCalledTimes(1);
    expect(stored()).toEqual([1, 2, 3, 4, 5]);
  });

  it('flushNow(): commits the waiting units at once instead of at the end of their window', async () => {
    const commits = new GroupCommit(db, 60_000);
    await commits.run(insert(1));
    // Under load now, so these would wait a minute; flushNow() commits them in this turn.
    const waiting = [commits.run(insert(2)), commits.run(insert(3))];
    commits.flushNow();
    expect(stored()).toEqual([1, 2, 3]);
    expect(await Promise.all(waiting)).toEqual([1, 1]);
    commits.flushNow(); // nothing waits: a no-op
    expect(stored()).toEqual([1, 2, 3]);
  });
});
