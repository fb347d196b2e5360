import { describe, expect, it } from 'vitest';
import {
  classifyGoogleError,
  classifyRevocation,
  dispositionOf,
  type GoogleDisposition,
} from '../../../src/google/classify-google-error.js';
import type { ErrorCode } from '../../../src/errors/error-codes.js';

// gaxios' shape: status on the error and on the response, the parsed JSON body as response.data.
const gaxiosError = (status: number, data: unknown, message = `Request failed with status ${status}`) =>
  Object.assign(new Error(message), { status, response: { status, data } });

const gmail = (status: number, reason: string, grpc?: string, domain = 'global') =>
  gaxiosError(status, {
    error: { code: status, message: reason, errors: [{ reason, domain, message: reason }], ...(grpc ? { status: grpc } : {}) },
  });

const oauth = (status: number, error: string, description?: string) =>
  gaxiosError(status, { error, ...(description ? { error_description: description } : {}) }, error);

interface Row {
  when: string;
  err: unknown;
  code: ErrorCode;
  disposition: GoogleDisposition;
  retryable: boolean;
}

// Every status and reason in SPEC.md §1.3/1.4 (token endpoint) and §3.10 (Gmail), plus Gmail's
// documented usageLimits reasons.
const TABLE: Row[] = [
  {
    when: '429 rateLimitExceeded RESOURCE_EXHAUSTED',
    err: gmail(429, 'rateLimitExceeded', 'RESOURCE_EXHAUSTED', 'usageLimits'),
    code: 'INTAKE_ERR_GMAIL_QUOTA',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '429 without a body (concurrency)',
    err: gaxiosError(429, ''),
    code: 'INTAKE_ERR_GMAIL_QUOTA',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '403 rateLimitExceeded',
    err: gmail(403, 'rateLimitExceeded', undefined, 'usageLimits'),
    code: 'INTAKE_ERR_GMAIL_QUOTA',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '403 userRateLimitExceeded',
    err: gmail(403, 'userRateLimitExceeded', undefined, 'usageLimits'),
    code: 'INTAKE_ERR_GMAIL_QUOTA',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '403 dailyLimitExceeded',
    err: gmail(403, 'dailyLimitExceeded', undefined, 'usageLimits'),
    code: 'INTAKE_ERR_GMAIL_QUOTA',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '403 quotaExceeded',
    err: gmail(403, 'quotaExceeded', undefined, 'usageLimits'),
    code: 'INTAKE_ERR_GMAIL_QUOTA',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '403 limitExceeded',
    err: gmail(403, 'limitExceeded', undefined, 'usageLimits'),
    code: 'INTAKE_ERR_GMAIL_QUOTA',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '403 concurrentLimitExceeded',
    err: gmail(403, 'concurrentLimitExceeded', undefined, 'usageLimits'),
    code: 'INTAKE_ERR_GMAIL_QUOTA',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '403 servingLimitExceeded',
    err: gmail(403, 'servingLimitExceeded', undefined, 'usageLimits'),
    code: 'INTAKE_ERR_GMAIL_QUOTA',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '403 variableTermLimitExceeded',
    err: gmail(403, 'variableTermLimitExceeded', undefined, 'usageLimits'),
    code: 'INTAKE_ERR_GMAIL_QUOTA',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '403 variableTermExpiredDailyExceeded',
    err: gmail(403, 'variableTermExpiredDailyExceeded', undefined, 'usageLimits'),
    code: 'INTAKE_ERR_GMAIL_QUOTA',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '403 backendError',
    err: gmail(403, 'backendError'),
    code: 'INTAKE_ERR_GOOGLE_UNAVAILABLE',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '500 backendError INTERNAL',
    err: gmail(500, 'backendError', 'INTERNAL'),
    code: 'INTAKE_ERR_GOOGLE_UNAVAILABLE',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '502',
    err: gmail(502, 'backendError', 'UNAVAILABLE'),
    code: 'INTAKE_ERR_GOOGLE_UNAVAILABLE',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '503 UNAVAILABLE',
    err: gaxiosError(503, { error: { code: 503, status: 'UNAVAILABLE' } }),
    code: 'INTAKE_ERR_GOOGLE_UNAVAILABLE',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '504 DEADLINE_EXCEEDED',
    err: gmail(504, 'backendError', 'DEADLINE_EXCEEDED'),
    code: 'INTAKE_ERR_GOOGLE_UNAVAILABLE',
    disposition: 'retry',
    retryable: true,
  },
  { when: '408', err: gaxiosError(408, ''), code: 'INTAKE_ERR_GOOGLE_UNAVAILABLE', disposition: 'retry', retryable: true },
  {
    when: 'a network error',
    err: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    code: 'INTAKE_ERR_GOOGLE_UNAVAILABLE',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: '401 authError from Gmail',
    err: gmail(401, 'authError', 'UNAUTHENTICATED'),
    code: 'INTAKE_ERR_GOOGLE_AUTH_RETRY',
    disposition: 'refresh',
    retryable: true,
  },
  {
    when: '400 failedPrecondition',
    err: gmail(400, 'failedPrecondition', 'FAILED_PRECONDITION'),
    code: 'INTAKE_ERR_GOOGLE_PRECONDITION',
    disposition: 'bounded',
    retryable: false,
  },
  {
    when: '400 with status FAILED_PRECONDITION only',
    err: gaxiosError(400, { error: { code: 400, status: 'FAILED_PRECONDITION' } }),
    code: 'INTAKE_ERR_GOOGLE_PRECONDITION',
    disposition: 'bounded',
    retryable: false,
  },
  { when: '404 notFound', err: gmail(404, 'notFound', 'NOT_FOUND'), code: 'INTAKE_ERR_NOT_FOUND', disposition: 'gone', retryable: false },
  { when: '410 deleted', err: gmail(410, 'deleted'), code: 'INTAKE_ERR_NOT_FOUND', disposition: 'gone', retryable: false },
  {
    when: 'token endpoint 400 invalid_grant',
    err: oauth(400, 'invalid_grant', 'Token has been expired or revoked.'),
    code: 'INTAKE_ERR_AUTH_REVOKED',
    disposition: 'reconsent',
    retryable: false,
  },
  {
    when: 'token endpoint invalid_grant invalid_rapt',
    err: gaxiosError(400, { error: 'invalid_grant', error_subtype: 'invalid_rapt' }, 'invalid_grant'),
    code: 'INTAKE_ERR_AUTH_REVOKED',
    disposition: 'reconsent',
    retryable: false,
  },
  {
    when: 'token endpoint admin_policy_enforced',
    err: oauth(400, 'admin_policy_enforced'),
    code: 'INTAKE_ERR_AUTH_REVOKED',
    disposition: 'reconsent',
    retryable: false,
  },
  {
    when: 'token endpoint 401 invalid_client',
    err: oauth(401, 'invalid_client', 'Unauthorized'),
    code: 'INTAKE_ERR_OAUTH_CLIENT',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: 'token endpoint 401 deleted_client',
    err: oauth(401, 'deleted_client'),
    code: 'INTAKE_ERR_OAUTH_CLIENT',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: 'token endpoint 500',
    err: oauth(500, 'internal_failure'),
    code: 'INTAKE_ERR_GOOGLE_UNAVAILABLE',
    disposition: 'retry',
    retryable: true,
  },
  {
    when: 'token endpoint 400 invalid_request',
    err: oauth(400, 'invalid_request', 'Missing required parameter: code'),
    code: 'INTAKE_ERR_GOOGLE_REQUEST',
    disposition: 'dead_letter',
    retryable: false,
  },
  {
    when: '403 insufficientPermissions',
    err: gmail(403, 'insufficientPermissions', 'PERMISSION_DENIED'),
    code: 'INTAKE_ERR_AUTH_SCOPE',
    disposition: 'reconsent',
    retryable: false,
  },
  {
    when: '403 accessNotConfigured',
    err: gmail(403, 'accessNotConfigured', 'PERMISSION_DENIED', 'usageLimits'),
    code: 'INTAKE_ERR_GOOGLE_FORBIDDEN',
    disposition: 'dead_letter',
    retryable: false,
  },
  {
    when: '403 domainPolicy',
    err: gmail(403, 'domainPolicy'),
    code: 'INTAKE_ERR_GOOGLE_FORBIDDEN',
    disposition: 'dead_letter',
    retryable: false,
  },
  {
    when: '403 dailyLimitExceededUnreg',
    err: gmail(403, 'dailyLimitExceededUnreg', undefined, 'usageLimits'),
    code: 'INTAKE_ERR_GOOGLE_FORBIDDEN',
    disposition: 'dead_letter',
    retryable: false,
  },
  {
    when: '403 forbidden (delegation denied)',
    err: gmail(403, 'forbidden'),
    code: 'INTAKE_ERR_GOOGLE_FORBIDDEN',
    disposition: 'dead_letter',
    retryable: false,
  },
  {
    when: '400 invalidArgument',
    err: gmail(400, 'invalidArgument', 'INVALID_ARGUMENT'),
    code: 'INTAKE_ERR_GOOGLE_REQUEST',
    disposition: 'dead_letter',
    retryable: false,
  },
  {
    when: '400 badRequest',
    err: gmail(400, 'badRequest'),
    code: 'INTAKE_ERR_GOOGLE_REQUEST',
    disposition: 'dead_letter',
    retryable: false,
  },
  {
    when: '409 duplicate label',
    err: gmail(409, 'duplicate', 'ALREADY_EXISTS'),
    code: 'INTAKE_ERR_GOOGLE_REQUEST',
    disposition: 'dead_letter',
    retryable: false,
  },
  {
    when: '413 uploadTooLarge',
    err: gmail(413, 'uploadTooLarge'),
    code: 'INTAKE_ERR_GOOGLE_REQUEST',
    disposition: 'dead_letter',
    retryable: false,
  },
];

describe('classifyGoogleError()', () => {
  it.each(TABLE)('classifyGoogleError(): when $when, returns $code ($disposition)', (row) => {
    const e = classifyGoogleError(row.err);
    expect({ code: e.code, disposition: dispositionOf(e), retryable: e.retryable }).toEqual({
      code: row.code,
      disposition: row.disposition,
      retryable: row.retryable,
    });
    expect(e.cause).toBe(row.err);
  });

  it('classifyGoogleError(): when a Gmail 401 says invalid_grant in its text, still refreshes instead of pausing', () => {
    const err = gaxiosError(
      401,
      { error: { code: 401, message: 'invalid_grant?', errors: [{ reason: 'authError' }] } },
      'Invalid Credentials',
    );
    expect(classifyGoogleError(err).code).toBe('INTAKE_ERR_GOOGLE_AUTH_RETRY');
  });

  it('classifyRevocation(): when the grant died 7 days after consent, calls it the Testing-mode expiry', () => {
    const err = gaxiosError(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    expect(classifyRevocation(err, 7 * 86_400_000 + 3_600_000)).toBe('testing_mode_expiry');
    expect(classifyRevocation(err, 2 * 86_400_000)).toBe('revoked_by_user');
    expect(classifyRevocation(gaxiosError(400, { error: 'invalid_grant', error_description: 'password changed' }), 1)).toBe(
      'password_changed',
    );
    expect(classifyRevocation(gaxiosError(400, { error: 'invalid_grant' }), 1)).toBe('unknown');
    expect(classifyRevocation(gaxiosError(400, { error: 'admin_policy_enforced' }), 1)).toBe('admin_policy');
  });
});
