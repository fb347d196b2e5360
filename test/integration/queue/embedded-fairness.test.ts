import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { openDatabase, type Db } from '../../../src/store/database.js';
import { EmbeddedQueue, type EmbeddedQueueOptions } from '../../../src/queue/embedded-queue.js';
import { PermanentJobError, type Job } from '../../../src/queue/job-queue.js';
import { TicketRepo } from '../../../src/store/ticket-repo.js';
import { QuarantineRepo } from '../../../src/store/quarantine-repo.js';
import { testLogger } from '../../helpers/test-log.js';
import { waitFor } from '../../helpers/test-daemon.js';

const freshDb = () => openDatabase(join(mkdtempSync(join(tmpdir(), 'intake-fair-')), 'intake.sqlite'));
const options: EmbeddedQueueOptions = { maxAttempts: 3, backoffMs: 5, maxBackoffMs: 100, leaseSeconds: 60, pollMs: 10 };

function jobs(mailboxId: number, n: number, prefix = `m${mailboxId}`) {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, name: 'ingest', data: { mailboxId, i }, mailboxId }));
}

/** The query plan of a prepared statement, with every parameter bound to a dummy value. */
function plan(db: Db, stmt: Statement): string[] {
  const sql = stmt.source;
  const named = [...new Set([...sql.matchAll(/@(\w+)/g)].map((m) => m[1] as string))];
  const explain = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const rows = (
    named.length > 0
      ? explain.all(Object.fromEntries(named.map((k) => [k, 1])))
      : explain.all(...Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 1))
  ) as { detail: string }[];
  return rows.map((r) => r.detail);
}

/** A plan that reads a table row by row (a SCAN without an index) costs more as history grows. */
function scans(details: string[]): string[] {
  return details.filter((d) => /^SCAN (jobs|messages|tickets|quarantine|contacts)\b/.test(d) && !/USING (COVERING )?INDEX/.test(d));
}

describe('embedded queue: fair, flat-cost claiming on a real SQLite file', () => {
  it('claim(): when one mailbox has 1,000 jobs waiting and another gets 5, serves the newcomer within its first turns and then alternates', async () => {
    const queue = new EmbeddedQueue(freshDb(), testLogger('queue'), options);
    await queue.addBulk('ingest', jobs(1, 1000));
    const first = queue.claim('ingest') as Job<{ mailboxId: number }>;
    expect(first.data.mailboxId).toBe(1);
    await queue.addBulk('ingest', jobs(2, 5));
    const order: number[] = [];
    for (let i = 0; i < 10; i++) {
      const job = queue.claim('ingest') as Job<{ mailboxId: number }>;
      order.push(job.data.mailboxId);
      queue.complete(job.id);
    }
    expect(order).toEqual([2, 1, 2, 1, 2, 1, 2, 1, 2, 1]);
  });

  it('claimUpTo() and completeAll(): when several slots are free, claim in the order single claims would, and record them complete together', async () => {
    const queue = new EmbeddedQueue(freshDb(), testLogger('queue'), options);
    await queue.addBulk('ingest', jobs(1, 3));
    await queue.addBulk('ingest', jobs(2, 3));
    const batch = queue.claimUpTo('ingest', 4) as Job<{ mailboxId: number }>[];
    expect(batch.map((j) => j.data.mailboxId)).toEqual([1, 2, 1, 2]);
    expect(await queue.counts('ingest')).toEqual({ waiting: 2, active: 4, completed: 0, failed: 0 });
    queue.completeAll(batch.map((j) => j.id));
    expect(await queue.counts('ingest')).toEqual({ waiting: 2, active: 0, completed: 4, failed: 0 });
    expect(queue.claimUpTo('ingest', 8).map((j) => j.id)).toEqual(['m1-2', 'm2-2']);
    expect(queue.claimUpTo('ingest', 8)).toEqual([]);
  });

  it('process(): when jobs finish in the same turn, all are recorded complete and their slots refilled', async () => {
    const queue = new EmbeddedQueue(freshDb(), testLogger('queue'), options);
    await queue.addBulk('ingest', jobs(1, 50));
    const worker = queue.process('ingest', () => Promise.resolve(), { concurrency: 8 });
    const counts = await waitFor(
      () => queue.counts('ingest'),
      (c) => c.completed === 50,
      10_000,
    );
    await worker.close();
    expect(counts).toEqual({ waiting: 0, active: 0, completed: 50, failed: 0 });
  });

  it('process(): when a mailbox must wait for its quota, its jobs hold no worker and another mailbox is served meanwhile', async () => {
    let quotaOpen = false;
    const gate = (mailboxId: number) => (mailboxId === 1 && !quotaOpen ? 200 : 0);
    const queue = new EmbeddedQueue(freshDb(), testLogger('queue'), { ...options, gate });
    const done: number[] = [];
    await queue.addBulk('ingest', jobs(1, 20));
    await queue.addBulk('ingest', jobs(2, 20));
    const worker = queue.process<{ mailboxId: number }>(
      'ingest',
      async (job) => {
        await new Promise((r) => setTimeout(r, 2));
        done.push(job.data.mailboxId);
      },
      { concurrency: 2 },
    );
    await waitFor(
      () => done.filter((m) => m === 2).length,
      (n) => n === 20,
      10_000,
    );
    expect(done.filter((m) => m === 1)).toHaveLength(0);
    quotaOpen = true;
    await waitFor(
      () => done.length,
      (n) => n === 40,
      10_000,
    );
    await worker.close();
    expect(done.filter((m) => m === 1)).toHaveLength(20);
  });

  it('addBulk(): when the id of a completed or a failed job is added again (resync, replay), the job runs again', async () => {
    const queue = new EmbeddedQueue(freshDb(), testLogger('queue'), options);
    const runs = new Map<string, number>();
    const worker = queue.process(
      'ingest',
      async (job) => {
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        if (job.id === 'bad' && runs.get(job.id) === 1) throw new PermanentJobError('broken the first time');
      },
      { concurrency: 1 },
    );
    await queue.addBulk('ingest', [
      { id: 'ok', name: 'ingest', data: {} },
      { id: 'bad', name: 'ingest', data: {} },
    ]);
    await waitFor(
      () => queue.counts('ingest'),
      (c) => c.completed === 1 && c.failed === 1,
      10_000,
    );
    await queue.addBulk('ingest', [
      { id: 'ok', name: 'ingest', data: {} },
      { id: 'bad', name: 'ingest', data: {} },
    ]);
    const counts = await waitFor(
      () => queue.counts('ingest'),
      (c) => c.completed === 2,
      10_000,
    );
    await worker.close();
    expect(counts).toEqual({ waiting: 0, active: 0, completed: 2, failed: 0 });
    expect(Object.fromEntries(runs)).toEqual({ ok: 2, bad: 2 });
  });

  it('pruneCompleted(): when completed jobs are older than keepCompletedSeconds, deletes them and keeps waiting and failed ones', async () => {
    const db = freshDb();
    const queue = new EmbeddedQueue(db, testLogger('queue'), { ...options, keepCompletedSeconds: 60 });
    await queue.addBulk('ingest', jobs(1, 5));
    for (let i = 0; i < 3; i++) queue.complete((queue.claim('ingest') as Job).id);
    queue.fail(queue.claim('ingest') as Job, new PermanentJobError('dead letter'));
    expect(queue.pruneCompleted(Date.now())).toBe(0);
    expect(queue.pruneCompleted(Date.now() + 61_000)).toBe(3);
    expect(await queue.counts('ingest')).toEqual({ waiting: 1, active: 0, completed: 0, failed: 1 });
  });

  it('EXPLAIN QUERY PLAN: every hot statement of claiming, completing, pruning and the per-message lookups uses an index', () => {
    const db = freshDb();
    const queue = new EmbeddedQueue(db, testLogger('queue'), options);
    const tickets = new TicketRepo(db);
    const hot: Record<string, Statement> = {
      ...queue['stmt'],
      ticketByProviderId: tickets['existing'],
      ticketByThread: tickets['byThread'],
      ticketByHeaderId: tickets['byHeaderId'],
      adoptOpening: tickets['adoptOpening'],
      touchTicket: tickets['touchTicket'],
      contactId: tickets['contactId'],
      quarantineHas: new QuarantineRepo(db)['hasStmt'],
    };
    const plans = Object.fromEntries(Object.entries(hot).map(([name, stmt]) => [name, plan(db, stmt)]));
    const full = Object.fromEntries(Object.entries(plans).map(([name, details]) => [name, scans(details)]));
    expect(Object.values(full).flat()).toEqual([]);
    expect(plans.claimLane?.join('\n')).toMatch(/jobs_waiting \(queue=\? AND mailbox_id=\? AND run_at<\?\)/);
    expect(plans.prune?.join('\n')).toMatch(/jobs_completed \(finished_at<\?\)/);
    expect(plans.ticketByThread?.join('\n')).toMatch(/messages_thread \(mailbox_id=\? AND provider_thread_id=\?\)/);
  });
});
