// Turns whatever google-auth-library / gaxios threw into one IntakeError with a stable code
// and a retryable flag, following Google's documented error table (shared SPEC.md §1.3-1.4,
// §3.10 and Gmail's `usageLimits` reasons). Pure: no I/O, unit-tested row by row.
import { IntakeError } from '../errors/intake-error.js';
import type { ErrorCode } from '../errors/error-codes.js';

export type RevocationReason =
  'revoked_by_user' | 'testing_mode_expiry' | 'password_changed' | 'admin_policy' | 'imap_login_refused' | 'unknown';

/**
 * What a job does about an answer: back off and retry; refresh the access token and retry;
 * retry a bounded number of times; treat the message as gone; park the mailbox's jobs until
 * an admin reconnects it; or fail into a dead letter kept for replay.
 */
export type GoogleDisposition = 'retry' | 'refresh' | 'bounded' | 'gone' | 'reconsent' | 'dead_letter';

export const DISPOSITION_OF: Partial<Record<ErrorCode, GoogleDisposition>> = {
  INTAKE_ERR_GMAIL_QUOTA: 'retry',
  INTAKE_ERR_GOOGLE_UNAVAILABLE: 'retry',
  INTAKE_ERR_OAUTH_CLIENT: 'retry',
  INTAKE_ERR_GOOGLE_AUTH_RETRY: 'refresh',
  INTAKE_ERR_GOOGLE_PRECONDITION: 'bounded',
  INTAKE_ERR_NOT_FOUND: 'gone',
  INTAKE_ERR_AUTH_REVOKED: 'reconsent',
  INTAKE_ERR_AUTH_SCOPE: 'reconsent',
  INTAKE_ERR_GOOGLE_FORBIDDEN: 'dead_letter',
  INTAKE_ERR_GOOGLE_REQUEST: 'dead_letter',
};

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

interface GmailErrorFields {
  reason: string;
  status: string;
}

/** The `reason` (`error.errors[0].reason`) and `status` of a Gmail JSON error, '' when absent. */
function gmailFields(data: Record<string, unknown>): GmailErrorFields {
  const error = data.error;
  if (typeof error !== 'object' || error === null) return { reason: '', status: '' };
  const e = error as { errors?: { reason?: unknown }[]; status?: unknown };
  const reason = e.errors?.[0]?.reason;
  return { reason: typeof reason === 'string' ? reason : '', status: typeof e.status === 'string' ? e.status : '' };
}

/** The token endpoint's `{error: 'invalid_grant', ...}` (a string, where Gmail's `error` is an object). */
function oauthErrorOf(err: unknown): string | undefined {
  const error = responseData(err).error;
  return typeof error === 'string' ? error : undefined;
}

/** OAuth token endpoint errors that end the grant: only a new consent helps. */
export function isInvalidGrant(err: unknown): boolean {
  const error = oauthErrorOf(err);
  if (error === 'invalid_grant' || error === 'admin_policy_enforced') return true;
  const message = (err as ErrorLike | null)?.message;
  return error === undefined && typeof message === 'string' && /\b(invalid_grant|admin_policy_enforced)\b/.test(message);
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

// Gmail's usageLimits reasons that clear by waiting (handle-errors guide; Google's standard
// error reasons). `accessNotConfigured` shares the domain but needs the operator: see FORBIDDEN.
const LIMIT_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'dailyLimitExceeded',
  'quotaExceeded',
  'limitExceeded',
  'concurrentLimitExceeded',
  'servingLimitExceeded',
  'variableTermLimitExceeded',
  'variableTermExpiredDailyExceeded',
]);
// Every other 403 (accessNotConfigured, domainPolicy, forbidden, the `...Unreg` limits that
// mean no registered project) needs an operator or Workspace admin: INTAKE_ERR_GOOGLE_FORBIDDEN.
const OAUTH_CLIENT_ERRORS = new Set(['invalid_client', 'unauthorized_client', 'deleted_client']);

export function classifyGoogleError(err: unknown): IntakeError {
  if (err instanceof IntakeError) return err;
  const status = httpStatusOf(err);
  const { reason, status: grpcStatus } = gmailFields(responseData(err));
  const make = (code: ErrorCode, message: string, retryable: boolean) => new IntakeError(code, message, retryable, { cause: err });
  const what = `${status ?? networkCode(err)}${reason ? ` ${reason}` : ''}`;
  if (isInvalidGrant(err))
    return make('INTAKE_ERR_AUTH_REVOKED', `Google refused the refresh token (${oauthErrorOf(err) ?? 'invalid_grant'})`, false);
  const oauthError = oauthErrorOf(err);
  if (oauthError !== undefined && OAUTH_CLIENT_ERRORS.has(oauthError)) {
    return make('INTAKE_ERR_OAUTH_CLIENT', `Google does not accept the OAuth client (${oauthError})`, true);
  }
  if (status === 429 || grpcStatus === 'RESOURCE_EXHAUSTED' || (status === 403 && LIMIT_REASONS.has(reason))) {
    return make('INTAKE_ERR_GMAIL_QUOTA', `Gmail usage limit (${what})`, true);
  }
  if (reason === 'backendError' || status === undefined || status >= 500 || status === 408) {
    return make('INTAKE_ERR_GOOGLE_UNAVAILABLE', `Google unavailable (${what})`, true);
  }
  // A 401 from Gmail means the access token is stale, not the grant: refresh and retry.
  if (status === 401) return make('INTAKE_ERR_GOOGLE_AUTH_RETRY', `Gmail rejected the access token (${what}); refreshing`, true);
  if (status === 403 && reason === 'insufficientPermissions') {
    return make('INTAKE_ERR_AUTH_SCOPE', 'the grant lacks the Gmail scope this call needs', false);
  }
  if (status === 403) return make('INTAKE_ERR_GOOGLE_FORBIDDEN', `Google refused access (${what})`, false);
  if (status === 404 || status === 410) return make('INTAKE_ERR_NOT_FOUND', `Google answered ${status} Not Found`, false);
  if (reason === 'failedPrecondition' || grpcStatus === 'FAILED_PRECONDITION') {
    return make('INTAKE_ERR_GOOGLE_PRECONDITION', `Google refused for now (${what})`, false);
  }
  return make('INTAKE_ERR_GOOGLE_REQUEST', `Google refused the request (${what})`, false);
}

/** Why a mailbox needs re-consent, for its state and the admin page. */
export function reconsentReason(err: IntakeError, ageOfGrantMs: number): RevocationReason | 'scope_missing' {
  if (err.code === 'INTAKE_ERR_AUTH_SCOPE') return 'scope_missing';
  // An IMAP server's refusal (sources/imap-source.ts) says nothing about a Google grant.
  if ((err.cause as { reason?: unknown } | undefined)?.reason === 'imap_login_refused') return 'imap_login_refused';
  return classifyRevocation(err.cause, ageOfGrantMs);
}

/** The action a classified error calls for (undefined: not a Google answer). */
export function dispositionOf(err: IntakeError): GoogleDisposition | undefined {
  return DISPOSITION_OF[err.code];
}

function networkCode(err: unknown): string {
  const code = (err as ErrorLike | null)?.code;
  return typeof code === 'string' ? code : 'network error';
}
