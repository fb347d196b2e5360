// What happens to a job whose handler failed. Pure, so the rules are tested on their own:
// nothing that only waits on the outside world (Google down, quota, a mailbox awaiting
// re-consent) may use up a job's attempts, or a long outage would lose mail whose sync
// cursor has already moved past it. What no wait can fix fails into a dead letter.
import { isIntakeError } from '../errors/intake-error.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { backoffDelay, PermanentJobError } from './job-queue.js';

export interface RetryOptions {
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** How long a parked job sleeps; a reconnect wakes it sooner (JobQueue.wakeMailbox). */
  parkMs?: number;
}

export type RetryDecision = { action: 'retry'; delayMs: number; parked?: true } | { action: 'fail' };

/** A parked job waits a day unless woken: long enough that a revoked mailbox costs no calls. */
export const DEFAULT_PARK_MS = 24 * 3_600_000;

/** Errors that clear when an admin reconnects the mailbox: parked, never failed. */
const AWAITING_ADMIN: readonly ErrorCode[] = [
  'INTAKE_ERR_AUTH_REVOKED',
  'INTAKE_ERR_AUTH_SCOPE',
  'INTAKE_ERR_DECRYPT',
  'INTAKE_ERR_MAILBOX_PARKED',
];

/** Errors that may clear by themselves but may also not: a bounded number of tries, then a dead letter. */
const BOUNDED: readonly ErrorCode[] = ['INTAKE_ERR_GOOGLE_PRECONDITION'];

export function decideRetry(err: unknown, attempt: number, options: RetryOptions, random: () => number = Math.random): RetryDecision {
  if (err instanceof PermanentJobError) return { action: 'fail' };
  const backoff = (): RetryDecision => ({
    action: 'retry',
    delayMs: backoffDelay(attempt, options.backoffMs, options.maxBackoffMs, random),
  });
  if (isIntakeError(err)) {
    if (AWAITING_ADMIN.includes(err.code)) return { action: 'retry', delayMs: options.parkMs ?? DEFAULT_PARK_MS, parked: true };
    if (BOUNDED.includes(err.code)) return attempt >= options.maxAttempts ? { action: 'fail' } : backoff();
    if (err.retryable) return backoff();
    return { action: 'fail' };
  }
  // An unexpected error may be a bug that no retry fixes: a bounded number of tries.
  if (attempt >= options.maxAttempts) return { action: 'fail' };
  return backoff();
}
