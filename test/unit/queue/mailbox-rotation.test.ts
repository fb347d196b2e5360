import { describe, expect, it } from 'vitest';
import { MailboxRotation } from '../../../src/queue/mailbox-rotation.js';

describe('MailboxRotation', () => {
  it('order(): when two busy mailboxes are served in turn, alternates between them', () => {
    const r = new MailboxRotation();
    r.arrive(1);
    r.arrive(2);
    const served: (number | null)[] = [];
    for (let i = 0; i < 6; i++) {
      const next = r.order(0)[0] ?? null;
      served.push(next);
      r.served(next);
    }
    expect(served).toEqual([1, 2, 1, 2, 1, 2]);
  });

  it('order(): when an idle mailbox gets new mail while another backfills, serves the new mail first', () => {
    const r = new MailboxRotation();
    r.arrive(1);
    r.served(1);
    r.served(1);
    r.arrive(1); // more backfill pages keep coming: still a busy lane, not a fresh one
    r.arrive(2);
    expect(r.order(0)).toEqual([2, 1]);
  });

  it('order(): when a lane is paused, leaves it out until the pause ends, and a new arrival lifts it', () => {
    const r = new MailboxRotation();
    r.arrive(1);
    r.arrive(2);
    r.pause(1, 100);
    expect(r.order(50)).toEqual([2]);
    expect(r.nextWakeIn(50)).toBe(50);
    expect(r.order(100)).toEqual([1, 2]);
    r.pause(2, 1_000);
    r.arrive(2);
    expect(r.order(150)).toEqual([1, 2]);
  });

  it('know(): when a lane read from storage is paused, keeps the pause', () => {
    const r = new MailboxRotation();
    r.arrive(3);
    r.pause(3, 500);
    r.know(3);
    expect(r.order(10)).toEqual([]);
  });

  it('drained() and requeue(): when a drained lane gets a retried job back, it rejoins behind the busy lanes', () => {
    const r = new MailboxRotation();
    r.arrive(1);
    r.arrive(2);
    r.served(1);
    r.served(2);
    r.drained(1);
    expect(r.order(0)).toEqual([2]);
    r.requeue(1);
    r.arrive(null);
    expect(r.order(0)).toEqual([null, 2, 1]);
  });

  it('active(): counts the running jobs of a lane and never goes below zero', () => {
    const r = new MailboxRotation();
    r.served(4);
    r.served(4);
    expect(r.active(4)).toBe(2);
    r.finished(4);
    r.finished(4);
    r.finished(4);
    expect(r.active(4)).toBe(0);
  });
});
