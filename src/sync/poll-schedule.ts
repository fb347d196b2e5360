// When a mailbox is polled next, from how its last pass went: at the interval with jitter
// when idle, sooner when it just had mail, soon again while a full sync has pages, and
// with growing backoff when it failed, so a mailbox in error slows only itself. Pure.

export interface PollPolicy {
  intervalMs: number;
  /** ± this share of the interval, so mailboxes connected together drift apart. */
  jitter: number;
  /** A mailbox that just had mail is polled again after this share of the interval. */
  busyFactor: number;
  backfillDelayMs: number;
  maxBackoffMs: number;
}

export type PassOutcome = 'idle' | 'changed' | 'backfilling' | 'failed' | 'stopped';

/** ms until the next pass, or null when the mailbox is not polled until someone asks (re-consent). */
export function nextPollDelay(policy: PollPolicy, outcome: PassOutcome, consecutiveFailures: number, random = Math.random): number | null {
  const spread = (ms: number) => Math.max(1, Math.round(ms * (1 - policy.jitter + 2 * policy.jitter * random())));
  switch (outcome) {
    case 'stopped':
      return null;
    case 'backfilling':
      return policy.backfillDelayMs;
    case 'changed':
      return spread(policy.intervalMs * policy.busyFactor);
    case 'failed': {
      const exp = policy.intervalMs * 2 ** Math.min(20, Math.max(0, consecutiveFailures - 1));
      return spread(Math.min(policy.maxBackoffMs, exp));
    }
    case 'idle':
      return spread(policy.intervalMs);
  }
}

/** The first poll after start: anywhere in the first interval, so a restart is no thundering herd. */
export function firstPollDelay(policy: PollPolicy, random = Math.random): number {
  return Math.round(random() * policy.intervalMs);
}
