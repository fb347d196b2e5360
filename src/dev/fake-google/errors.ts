// Google's error bodies: the Gmail v1 envelope and the OAuth {error, error_description}
// pair. One place so every route answers with the same wording SPEC.md records.

export interface GmailErrorBody {
  error: {
    code: number;
    message: string;
    errors: { message: string; domain: string; reason: string; location?: string; locationType?: string }[];
    status: string;
  };
}

export interface GmailError {
  status: number;
  body: GmailErrorBody;
  headers?: Record<string, string>;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function gmailError(
  status: number,
  reason: string,
  message: string,
  domain = 'global',
  extra: { location?: string; locationType?: string } = {},
): GmailError {
  return {
    status,
    body: {
      error: {
        code: status,
        message,
        errors: [{ message, domain, reason, ...extra }],
        status: STATUS_NAMES[status] ?? 'UNKNOWN',
      },
    },
  };
}

export const notFound = (): GmailError => gmailError(404, 'notFound', 'Requested entity was not found.');

export const invalidArgument = (message: string): GmailError => gmailError(400, 'invalidArgument', message);

export const insufficientPermissions = (message = 'Request had insufficient authentication scopes.'): GmailError =>
  gmailError(403, 'insufficientPermissions', message);

export function unauthenticated(): GmailError {
  const err = gmailError(
    401,
    'authError',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    'global',
    { location: 'Authorization', locationType: 'header' },
  );
  const first = err.body.error.errors[0];
  if (first) first.message = 'Invalid Credentials';
  err.headers = { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' };
  return err;
}

/** Default body for an injected fault when the test gave none. */
export function faultBody(status: number): GmailErrorBody {
  if (status === 429) return gmailError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', 'usageLimits').body;
  if (status === 403) return gmailError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', 'usageLimits').body;
  if (status >= 500) return gmailError(status, 'backendError', 'Backend Error').body;
  if (status === 404) return notFound().body;
  if (status === 401) return unauthenticated().body;
  return gmailError(status, 'badRequest', 'Bad Request').body;
}

export interface OAuthError {
  status: number;
  body: { error: string; error_description?: string };
}

export const oauthError = (status: number, error: string, description?: string): OAuthError => ({
  status,
  body: description === undefined ? { error } : { error, error_description: description },
});
