import { describe, expect, it } from 'vitest';
import { planRetention, retentionCutoff } from '../../../src/privacy/retention.js';

const DAY = 86_400_000;
const policy = { quarantineDays: 30, closedTicketDays: 0, suppressedDays: 7, auditDays: 365, disconnectedMailboxGraceDays: 14 };

describe('planRetention()', () => {
  it('planRetention(): when a rule is set to 0 days, leaves it out (kept until deleted by hand)', () => {
    expect(planRetention(policy, 1000 * DAY).map((c) => c.rule)).toEqual(['quarantine', 'suppressed', 'audit', 'disconnectedMailboxes']);
  });

  it('planRetention(): cuts each rule exactly its days before the (fake) clock', () => {
    const now = 1000 * DAY + 123;
    const cuts = Object.fromEntries(planRetention({ ...policy, closedTicketDays: 90 }, now).map((c) => [c.rule, c.cutoff]));
    expect(cuts).toEqual({
      closedTickets: now - 90 * DAY,
      quarantine: now - 30 * DAY,
      suppressed: now - 7 * DAY,
      audit: now - 365 * DAY,
      disconnectedMailboxes: now - 14 * DAY,
    });
  });

  it('retentionCutoff(): with fractional days, cuts at the exact millisecond', () => {
    expect(retentionCutoff(10 * DAY, 0.5)).toBe(9.5 * DAY);
  });
});
