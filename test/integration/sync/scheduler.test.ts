import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/store/database.js';
import { MailboxRepo } from '../../../src/store/mailbox-repo.js';
import { Scheduler } from '../../../src/daemon/scheduler.js';
import type { SyncResult } from '../../../src/sync/sync-mailbox.js';
import { waitFor } from '../../helpers/test-daemon.js';
import { testLogger } from '../../helpers/test-log.js';

function repoWith(n: number): { db: Db; repo: MailboxRepo } {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'intake-sched-')), 'intake.db'));
  const repo = new MailboxRepo(db);
  for (let i = 0; i < n; i++) {
    const { mailbox } = repo.upsertConnected({ email: `m${i}@example.com`, source: 'gmail', refreshTokenCipher: 'x', scopes: [] });
    repo.setState(mailbox.id, 'syncing');
  }
  return { db, repo };
}

describe('Scheduler', () => {
  let scheduler: Scheduler | undefined;
  let db: Db | undefined;

  afterEach(async () => {
    await scheduler?.stop();
    db?.close();
  });

  it('polls every mailbox, never two passes of one mailbox at once and never more than the concurrency in all', async () => {
    const made = repoWith(40);
    db = made.db;
    const running = new Set<number>();
    let peak = 0;
    let overlap = false;
    const passes = new Map<number, number>();
    const sync = async (m: { id: number }): Promise<SyncResult> => {
      if (running.has(m.id)) overlap = true;
      running.add(m.id);
      peak = Math.max(peak, running.size);
      await new Promise((r) => setTimeout(r, 5));
      running.delete(m.id);
      passes.set(m.id, (passes.get(m.id) ?? 0) + 1);
      return 'ok';
    };
    scheduler = new Scheduler(made.repo, sync, { pollIntervalMs: 100, concurrency: 3, backfillDelayMs: 10 }, testLogger('sched'));
    scheduler.start();
    for (let i = 0; i < 10; i++) scheduler.syncNow(1);
    const seen = await waitFor(
      () => [...passes.values()].filter((n) => n >= 2).length,
      (n) => n === 40,
    );
    expect(seen).toBe(40);
    expect(overlap).toBe(false);
    expect(peak).toBeLessThanOrEqual(3);
  });

  it('a mailbox in error backs off alone: the others keep their pace; a busy one is polled sooner than an idle one', async () => {
    const made = repoWith(3);
    db = made.db;
    const passes = new Map<number, number>();
    const sync = async (m: { id: number }): Promise<SyncResult> => {
      passes.set(m.id, (passes.get(m.id) ?? 0) + 1);
      if (m.id === 1) {
        made.repo.recordFailure(1, 'INTAKE_ERR_GOOGLE_UNAVAILABLE');
        return 'failed';
      }
      made.repo.recordSuccess(m.id);
      return m.id === 2 ? 'changed' : 'ok';
    };
    scheduler = new Scheduler(
      made.repo,
      sync,
      { pollIntervalMs: 80, concurrency: 4, backfillDelayMs: 10, maxBackoffMs: 10_000 },
      testLogger('sched'),
    );
    scheduler.start();
    const counts = await waitFor(
      () => ({ failing: passes.get(1) ?? 0, busy: passes.get(2) ?? 0, idle: passes.get(3) ?? 0 }),
      (c) => c.idle >= 12,
      30_000,
    );
    expect(counts.idle).toBeGreaterThanOrEqual(12);
    expect(counts.busy).toBeGreaterThan(counts.idle);
    expect(counts.failing).toBeLessThan(counts.idle / 2);
  });
});
