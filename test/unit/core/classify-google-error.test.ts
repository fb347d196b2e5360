import { describe, expect, it } from 'vitest';
import { classifyGoogleError, classifyRevocation } from '../../../src/google/classify-google-error.js';

const gaxiosError = (status: number, data: unknown) =>
  Object.assign(new Error(`Request failed with status ${status}`), { status, response: { status, data } });

describe('classifyGoogleError()', () => {
  it('classifyGoogleError(): when 429 rateLimitExceeded, returns a retryable quota error', () => {
    const e = classifyGoogleError(
      gaxiosError(429, { error: { code: 429, errors: [{ reason: 'rateLimitExceeded' }], status: 'RESOURCE_EXHAUSTED' } }),
    );
    expect(e.code).toBe('INTAKE_ERR_GMAIL_QUOTA');
    expect(e.retryable).toBe(true);
  });

  it('classifyGoogleError(): when 403 userRateLimitExceeded, returns a retryable quota error', () => {
    const e = classifyGoogleError(gaxiosError(403, { error: { code: 403, errors: [{ reason: 'userRateLimitExceeded' }] } }));
    expect(e.code).toBe('INTAKE_ERR_GMAIL_QUOTA');
  });

  it('classifyGoogleError(): when 403 insufficientPermissions, returns a permanent scope error', () => {
    const e = classifyGoogleError(gaxiosError(403, { error: { code: 403, errors: [{ reason: 'insufficientPermissions' }] } }));
    expect(e.code).toBe('INTAKE_ERR_AUTH_SCOPE');
    expect(e.retryable).toBe(false);
  });

  it('classifyGoogleError(): when the token endpoint says invalid_grant, returns a permanent revoked error', () => {
    const e = classifyGoogleError(gaxiosError(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }));
    expect(e.code).toBe('INTAKE_ERR_AUTH_REVOKED');
    expect(e.retryable).toBe(false);
  });

  it('classifyGoogleError(): when 500, 503 or a network error, returns a retryable unavailable error', () => {
    expect(classifyGoogleError(gaxiosError(503, {})).code).toBe('INTAKE_ERR_GOOGLE_UNAVAILABLE');
    expect(classifyGoogleError(gaxiosError(500, { error: { errors: [{ reason: 'backendError' }] } })).retryable).toBe(true);
    expect(classifyGoogleError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).code).toBe(
      'INTAKE_ERR_GOOGLE_UNAVAILABLE',
    );
  });

  it('classifyGoogleError(): when 404, returns not found; when another 4xx, a permanent request error', () => {
    expect(classifyGoogleError(gaxiosError(404, {})).code).toBe('INTAKE_ERR_NOT_FOUND');
    expect(classifyGoogleError(gaxiosError(400, { error: { errors: [{ reason: 'invalidArgument' }] } })).code).toBe(
      'INTAKE_ERR_GOOGLE_REQUEST',
    );
  });

  it('classifyRevocation(): when the grant died 7 days after consent, calls it the Testing-mode expiry', () => {
    const err = gaxiosError(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    expect(classifyRevocation(err, 7 * 86_400_000 + 3_600_000)).toBe('testing_mode_expiry');
    expect(classifyRevocation(err, 2 * 86_400_000)).toBe('revoked_by_user');
    expect(classifyRevocation(gaxiosError(400, { error: 'invalid_grant', error_description: 'password changed' }), 1)).toBe(
      'password_changed',
    );
    expect(classifyRevocation(gaxiosError(400, { error: 'invalid_grant' }), 1)).toBe('unknown');
  });
});
