// The embedded driver's dead-letter methods on a real SQLite file: a job that fails for good
// keeps its error code and message, is listed, and runs again on retryFailed; an id that exists
// as completed or failed is re-run by addBulk only when the caller asks (replaceFinished).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/store/database.js';
import { EmbeddedQueue } from '../../../src/queue/embedded-queue.js';
import { PermanentJobError, type JobWorker } from '../../../src/queue/job-queue.js';
import { testLogger } from '../../helpers/test-log.js';
import { waitFor } from '../../helpers/test-daemon.js';

const OPTIONS = { maxAttempts: 3, backoffMs: 5, maxBackoffMs: 20, leaseSeconds: 30, pollMs: 10 };

describe('EmbeddedQueue dead letters', () => {
  let db: Db;
  let queue: EmbeddedQueue;
  let worker: JobWorker | undefined;

  const start = (handler: (id: string) => Promise<void>) => {
    db = openDatabase(join(mkdtempSync(join(tmpdir(), 'intake-queue-')), 'intake.sqlite'));
    queue = new EmbeddedQueue(db, testLogger('failed-jobs-queue'), OPTIONS);
    worker = queue.process('q', (job) => handler(job.id), { concurrency: 2 });
  };
  const state = (id: string) => (db.prepare('SELECT state FROM jobs WHERE id = ?').get(id) as { state: string } | undefined)?.state;

  afterEach(async () => {
    await worker?.close();
    await queue.close();
    db.close();
  });

  it('listFailed(): when a job fails for good, lists it with its error code and message, in id order after `after`', async () => {
    start((id) => Promise.reject(new PermanentJobError(`cannot handle ${id}`)));
    await queue.addBulk('q', [
      { id: 'a', name: 'x', data: { n: 1 }, mailboxId: 7 },
      { id: 'b', name: 'x', data: { n: 2 } },
    ]);
    await waitFor(
      () => [state('a'), state('b')],
      (s) => s.every((x) => x === 'failed'),
      10_000,
    );
    const failed = await queue.listFailed('q', { limit: 10 });
    expect(failed.map((f) => f.id)).toEqual(['a', 'b']);
    expect(failed[0]).toMatchObject({ data: { n: 1 }, mailboxId: 7, errorCode: 'PermanentJobError', errorMessage: 'cannot handle a' });
    expect((await queue.listFailed('q', { limit: 10, after: 'a' })).map((f) => f.id)).toEqual(['b']);
    expect(await queue.listFailed('other', { limit: 10 })).toEqual([]);
  });

  it('retryFailed(): runs a failed job again from its first attempt; false for an unknown or unfailed id', async () => {
    let fail = true;
    start(() => (fail ? Promise.reject(new PermanentJobError('not yet')) : Promise.resolve()));
    await queue.addBulk('q', [{ id: 'j', name: 'x', data: {} }]);
    await waitFor(
      () => state('j'),
      (s) => s === 'failed',
      10_000,
    );
    fail = false;
    expect(await queue.retryFailed('j')).toBe(true);
    expect(
      await waitFor(
        () => state('j'),
        (s) => s === 'completed',
        10_000,
      ),
    ).toBe('completed');
    expect(await queue.retryFailed('j')).toBe(false);
    expect(await queue.retryFailed('nope')).toBe(false);
  });

  // The queue contract (test/integration/queue/job-queue-contract.test.ts): a finished id never
  // blocks a resync or replay, flag or not; the stored ticket decides whether anything is new.
  it('addBulk(): when the id exists as completed, runs it again with the new payload', async () => {
    const runs: string[] = [];
    start((id) => {
      runs.push(id);
      return Promise.resolve();
    });
    await queue.addBulk('q', [{ id: 'c', name: 'x', data: {} }]);
    await waitFor(
      () => state('c'),
      (s) => s === 'completed',
      10_000,
    );
    await queue.addBulk('q', [{ id: 'c', name: 'x', data: { again: true } }]);
    await waitFor(
      () => runs.length,
      (n) => n === 2,
      10_000,
    );
    expect(
      await waitFor(
        () => state('c'),
        (s) => s === 'completed',
        10_000,
      ),
    ).toBe('completed');
    expect(runs).toEqual(['c', 'c']);
    expect(JSON.parse((db.prepare("SELECT payload FROM jobs WHERE id = 'c'").get() as { payload: string }).payload)).toEqual({
      again: true,
    });
  });
});
