import { describe, expect, it } from 'vitest';
import { decideRetry } from '../../../src/queue/retry-policy.js';
import { PermanentJobError } from '../../../src/queue/job-queue.js';
import { IntakeError } from '../../../src/errors/intake-error.js';

const options = { maxAttempts: 3, backoffMs: 100, maxBackoffMs: 10_000 };
const half = () => 0.5;

describe('decideRetry()', () => {
  it('decideRetry(): when Google is unavailable on the hundredth attempt, still retries at the capped backoff', () => {
    const err = new IntakeError('INTAKE_ERR_GOOGLE_UNAVAILABLE', 'down', true);
    expect(decideRetry(err, 100, options, () => 1)).toEqual({ action: 'retry', delayMs: 10_000 });
    expect(decideRetry(err, 1, options, half)).toEqual({ action: 'retry', delayMs: 75 });
  });

  it('decideRetry(): when the mailbox awaits re-consent, retries at the longest backoff instead of failing', () => {
    expect(decideRetry(new IntakeError('INTAKE_ERR_AUTH_REVOKED', 'revoked'), 50, options)).toEqual({ action: 'retry', delayMs: 10_000 });
  });

  it('decideRetry(): when the error is permanent, fails at once', () => {
    expect(decideRetry(new PermanentJobError('bad'), 1, options)).toEqual({ action: 'fail' });
    expect(decideRetry(new IntakeError('INTAKE_ERR_GOOGLE_REQUEST', '400'), 1, options)).toEqual({ action: 'fail' });
  });

  it('decideRetry(): when an unexpected error repeats, fails after maxAttempts', () => {
    expect(decideRetry(new TypeError('bug'), 2, options, half).action).toBe('retry');
    expect(decideRetry(new TypeError('bug'), 3, options, half)).toEqual({ action: 'fail' });
  });
});
