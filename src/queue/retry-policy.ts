// What happens to a job whose handler failed. Pure, so the rules are tested on their own:
// nothing that only waits on the outside world (Google down, quota, a mailbox awaiting
// re-consent) may use up a job's attempts, or a long outage would lose mail whose sync
// cursor has already moved past it.
import { isIntakeError } from '../errors/intake-error.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { backoffDelay, PermanentJobError } from './job-queue.js';

export interface RetryOptions {
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
}

export type RetryDecision = { action: 'retry'; delayMs: number } | { action: 'fail' };

/** Errors that clear when an admin reconnects the mailbox: retried slowly, never failed. */
const AWAITING_ADMIN: readonly ErrorCode[] = ['INTAKE_ERR_AUTH_REVOKED', 'INTAKE_ERR_AUTH_SCOPE', 'INTAKE_ERR_DECRYPT'];

export function decideRetry(err: unknown, attempt: number, options: RetryOptions, random: () => number = Math.random): RetryDecision {
  if (err instanceof PermanentJobError) return { action: 'fail' };
  if (isIntakeError(err)) {
    if (err.retryable) return { action: 'retry', delayMs: backoffDelay(attempt, options.backoffMs, options.maxBackoffMs, random) };
    if (AWAITING_ADMIN.includes(err.code)) return { action: 'retry', delayMs: options.maxBackoffMs };
    return { action: 'fail' };
  }
  // An unexpected error may be a bug that no retry fixes: a bounded number of tries.
  if (attempt >= options.maxAttempts) return { action: 'fail' };
  return { action: 'retry', delayMs: backoffDelay(attempt, options.backoffMs, options.maxBackoffMs, random) };
}
