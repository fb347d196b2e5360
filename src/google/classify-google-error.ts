// Turns whatever google-auth-library / gaxios threw into one IntakeError with a stable code
// and a retryable flag. Pure: no I/O, unit-tested on Google's documented error shapes.
import { IntakeError } from '../errors/intake-error.js';

export type RevocationReason = 'revoked_by_user' | 'testing_mode_expiry' | 'password_changed' | 'admin_policy' | 'unknown';

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  status?: unknown;
  response?: { status?: unknown; data?: unknown; headers?: unknown };
}

export function httpStatusOf(err: unknown): number | undefined {
  const e = err as ErrorLike | null;
  const status = e?.response?.status ?? e?.status ?? (typeof e?.code === 'number' ? e.code : undefined);
  if (typeof status === 'number') return status;
  if (typeof status === 'string' && /^\d{3}$/.test(status)) return Number(status);
  return undefined;
}

function responseData(err: unknown): Record<string, unknown> {
  const data = (err as ErrorLike | null)?.response?.data;
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
}

/** The `reason` of a Gmail JSON error (`error.errors[0].reason`), if any. */
function gmailReason(data: Record<string, unknown>): string | undefined {
  const error = data.error as { errors?: { reason?: string }[]; status?: string } | undefined;
  return error?.errors?.[0]?.reason ?? error?.status;
}

/** OAuth token endpoint errors: `{error: 'invalid_grant', error_description}`. */
export function isInvalidGrant(err: unknown): boolean {
  const data = responseData(err);
  if (data.error === 'invalid_grant') return true;
  const message = (err as ErrorLike | null)?.message;
  return typeof message === 'string' && /\binvalid_grant\b/.test(message);
}

export function classifyRevocation(err: unknown, ageOfGrantMs: number): RevocationReason {
  const data = responseData(err);
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const description = `${text(data.error_description)} ${text(data.error_subtype)}`.toLowerCase();
  if (data.error === 'admin_policy_enforced' || description.includes('admin_policy')) return 'admin_policy';
  if (description.includes('password')) return 'password_changed';
  // Google does not say why; a grant that died about 7 days after consent is the Testing-mode expiry.
  const days = ageOfGrantMs / 86_400_000;
  if (days >= 6.9 && days <= 7.5) return 'testing_mode_expiry';
  if (description.includes('expired or revoked')) return 'revoked_by_user';
  return 'unknown';
}

export function classifyGoogleError(err: unknown): IntakeError {
  if (err instanceof IntakeError) return err;
  const status = httpStatusOf(err);
  const data = responseData(err);
  const reason = gmailReason(data);
  const cause = { cause: err };
  if (isInvalidGrant(err)) {
    return new IntakeError('INTAKE_ERR_AUTH_REVOKED', 'Google refused the refresh token (invalid_grant)', false, cause);
  }
  if (status === 429 || (status === 403 && /rateLimitExceeded|userRateLimitExceeded|quotaExceeded|RESOURCE_EXHAUSTED/.test(reason ?? ''))) {
    return new IntakeError('INTAKE_ERR_GMAIL_QUOTA', `Gmail rate limit (${reason ?? status})`, true, cause);
  }
  if (status === 401) {
    return new IntakeError('INTAKE_ERR_AUTH_REVOKED', 'Gmail rejected the credentials (401)', false, cause);
  }
  if (status === 403 && reason === 'insufficientPermissions') {
    return new IntakeError('INTAKE_ERR_AUTH_SCOPE', 'the grant lacks the Gmail scope this call needs', false, cause);
  }
  if (status === 404) {
    return new IntakeError('INTAKE_ERR_NOT_FOUND', 'Google answered 404 Not Found', false, cause);
  }
  if (status === undefined || status >= 500 || status === 408) {
    return new IntakeError('INTAKE_ERR_GOOGLE_UNAVAILABLE', `Google unavailable (${status ?? networkCode(err)})`, true, cause);
  }
  return new IntakeError('INTAKE_ERR_GOOGLE_REQUEST', `Google refused the request (${status}${reason ? ` ${reason}` : ''})`, false, cause);
}

function networkCode(err: unknown): string {
  const code = (err as ErrorLike | null)?.code;
  return typeof code === 'string' ? code : 'network error';
}
