import { describe, expect, it } from 'vitest';
import { firstPollDelay, nextPollDelay, type PollPolicy } from '../../../src/sync/poll-schedule.js';
import { DueHeap } from '../../../src/daemon/due-heap.js';

const policy: PollPolicy = { intervalMs: 60_000, jitter: 0.1, busyFactor: 0.25, backfillDelayMs: 200, maxBackoffMs: 900_000 };

describe('poll schedule', () => {
  it('nextPollDelay(): an idle mailbox is polled at the interval ± 10%, a busy one at a quarter of it, a backfilling one at once', () => {
    expect(nextPollDelay(policy, 'idle', 0, () => 0)).toBe(54_000);
    expect(nextPollDelay(policy, 'idle', 0, () => 1)).toBe(66_000);
    expect(nextPollDelay(policy, 'changed', 0, () => 0.5)).toBe(15_000);
    expect(nextPollDelay(policy, 'backfilling', 0)).toBe(200);
    expect(nextPollDelay(policy, 'stopped', 0)).toBeNull();
  });

  it('nextPollDelay(): a failing mailbox backs off alone, doubling per failure up to the cap', () => {
    expect(nextPollDelay(policy, 'failed', 1, () => 0.5)).toBe(60_000);
    expect(nextPollDelay(policy, 'failed', 3, () => 0.5)).toBe(240_000);
    expect(nextPollDelay(policy, 'failed', 30, () => 0.5)).toBe(900_000);
  });

  it('firstPollDelay(): spreads first polls over the first interval', () => {
    expect(firstPollDelay(policy, () => 0)).toBe(0);
    expect(firstPollDelay(policy, () => 0.5)).toBe(30_000);
  });
});

describe('DueHeap', () => {
  it('popDue(): returns mailboxes in due order, one entry per mailbox, a moved one at its new time', () => {
    const h = new DueHeap();
    for (const [id, at] of [
      [1, 50],
      [2, 10],
      [3, 30],
      [4, 20],
      [5, 40],
    ] as const)
      h.set(id, at);
    h.set(5, 5);
    h.remove(3);
    expect(h.size).toBe(4);
    expect(h.popDue(15)).toBe(5);
    expect(h.popDue(15)).toBe(2);
    expect(h.popDue(15)).toBeUndefined();
    expect(h.peekTime()).toBe(20);
    expect([h.popDue(100), h.popDue(100), h.popDue(100)]).toEqual([4, 1, undefined]);
  });
});
