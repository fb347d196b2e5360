import { describe, expect, it } from 'vitest';
import { decideRetry, DEFAULT_PARK_MS } from '../../../src/queue/retry-policy.js';
import { PermanentJobError } from '../../../src/queue/job-queue.js';
import { IntakeError } from '../../../src/errors/intake-error.js';
import { classifyGoogleError } from '../../../src/google/classify-google-error.js';
import type { ErrorCode } from '../../../src/errors/error-codes.js';

const options = { maxAttempts: 3, backoffMs: 100, maxBackoffMs: 10_000 };
const half = () => 0.5;
const gmail = (status: number, reason: string) =>
  Object.assign(new Error('x'), { status, response: { status, data: { error: { code: status, errors: [{ reason }] } } } });

describe('decideRetry()', () => {
  it('decideRetry(): when Google is unavailable on the hundredth attempt, still retries at the capped backoff', () => {
    const err = new IntakeError('INTAKE_ERR_GOOGLE_UNAVAILABLE', 'down', true);
    expect(decideRetry(err, 100, options, () => 1)).toEqual({ action: 'retry', delayMs: 10_000 });
    expect(decideRetry(err, 1, options, half)).toEqual({ action: 'retry', delayMs: 75 });
  });

  it.each<[string, ReturnType<typeof gmail>]>([
    ['403 dailyLimitExceeded', gmail(403, 'dailyLimitExceeded')],
    ['403 backendError', gmail(403, 'backendError')],
    ['403 rateLimitExceeded', gmail(403, 'rateLimitExceeded')],
    ['429', gmail(429, 'rateLimitExceeded')],
    ['401 from Gmail', gmail(401, 'authError')],
    ['503', gmail(503, 'backendError')],
  ])('decideRetry(): when Google answers %s far past maxAttempts, retries with backoff and never fails', (_, raw) => {
    expect(decideRetry(classifyGoogleError(raw), 1_000, options, half).action).toBe('retry');
  });

  it('decideRetry(): when 400 failedPrecondition repeats, retries with backoff until maxAttempts, then fails into a dead letter', () => {
    const err = classifyGoogleError(gmail(400, 'failedPrecondition'));
    expect(decideRetry(err, 1, options, half)).toEqual({ action: 'retry', delayMs: 75 });
    expect(decideRetry(err, 2, options, half).action).toBe('retry');
    expect(decideRetry(err, 3, options, half)).toEqual({ action: 'fail' });
  });

  it.each<ErrorCode>(['INTAKE_ERR_AUTH_REVOKED', 'INTAKE_ERR_AUTH_SCOPE', 'INTAKE_ERR_MAILBOX_PARKED', 'INTAKE_ERR_DECRYPT'])(
    'decideRetry(): when the mailbox awaits re-consent (%s), parks the job for the park delay instead of failing',
    (code) => {
      expect(decideRetry(new IntakeError(code, 'waits'), 50, options)).toEqual({ action: 'retry', delayMs: DEFAULT_PARK_MS, parked: true });
      expect(decideRetry(new IntakeError(code, 'waits'), 1, { ...options, parkMs: 123 })).toEqual({
        action: 'retry',
        delayMs: 123,
        parked: true,
      });
    },
  );

  it('decideRetry(): when the error is permanent, fails at once', () => {
    expect(decideRetry(new PermanentJobError('bad'), 1, options)).toEqual({ action: 'fail' });
    expect(decideRetry(new IntakeError('INTAKE_ERR_GOOGLE_REQUEST', '400'), 1, options)).toEqual({ action: 'fail' });
    expect(decideRetry(classifyGoogleError(gmail(403, 'accessNotConfigured')), 1, options)).toEqual({ action: 'fail' });
  });

  it('decideRetry(): when an unexpected error repeats, fails after maxAttempts', () => {
    expect(decideRetry(new TypeError('bug'), 2, options, half).action).toBe('retry');
    expect(decideRetry(new TypeError('bug'), 3, options, half)).toEqual({ action: 'fail' });
  });
});
