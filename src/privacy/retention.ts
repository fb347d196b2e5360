// Retention rules as pure arithmetic: which rules apply under a policy and where each cuts,
// given "now" (a fake clock in tests). The purge itself is retention/run-retention.ts.
export interface RetentionPolicy {
  quarantineDays: number;
  closedTicketDays: number;
  suppressedDays: number;
  auditDays: number;
  disconnectedMailboxGraceDays: number;
}

export type RetentionRuleName = 'closedTickets' | 'quarantine' | 'suppressed' | 'audit' | 'disconnectedMailboxes';

export interface RetentionCut {
  rule: RetentionRuleName;
  days: number;
  /** Rows older than this (ms since epoch) are purged. */
  cutoff: number;
}

export function retentionCutoff(now: number, days: number): number {
  return now - days * 86_400_000;
}

const DAYS: Record<RetentionRuleName, keyof RetentionPolicy> = {
  closedTickets: 'closedTicketDays',
  quarantine: 'quarantineDays',
  suppressed: 'suppressedDays',
  audit: 'auditDays',
  disconnectedMailboxes: 'disconnectedMailboxGraceDays',
};

/** 0 days means "keep until deleted by hand": that rule does not run. */
export function planRetention(policy: RetentionPolicy, now: number): RetentionCut[] {
  return (Object.keys(DAYS) as RetentionRuleName[])
    .map((rule) => ({ rule, days: policy[DAYS[rule]] }))
    .filter((r) => r.days > 0)
    .map((r) => ({ ...r, cutoff: retentionCutoff(now, r.days) }));
}
