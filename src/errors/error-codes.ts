// The catalogue of every error code Intake reports, with what the operator should do.
// A unit test checks that each code here is documented in the README.
export const ERROR_CODES = {
  INTAKE_ERR_CONFIG: 'Configuration is invalid. Fix the listed keys in config/*.json or INTAKE_* variables.',
  INTAKE_ERR_STORE: 'The SQLite database could not be opened or migrated. Check the path, permissions and free disk.',
  INTAKE_ERR_SECRET_KEY: 'The secret key is missing or malformed. Set INTAKE_SECRET_KEY (32 bytes, base64) or INTAKE_SECRET_KEY_FILE.',
  INTAKE_ERR_DECRYPT:
    'A stored secret could not be decrypted. The key it was encrypted with is not configured; restore the old key and run `intake keys rotate`.',
  INTAKE_ERR_GMAIL_QUOTA:
    'Google rate-limited the mailbox. Intake backs off and retries on its own; lower sync.concurrency if it persists.',
  INTAKE_ERR_GOOGLE_UNAVAILABLE: 'Google answered 5xx or could not be reached. Intake retries with backoff; nothing is lost.',
  INTAKE_ERR_AUTH_REVOKED: 'The refresh token was revoked or expired (invalid_grant). Reconnect the mailbox from the admin page.',
  INTAKE_ERR_AUTH_SCOPE: 'The mailbox did not grant the Gmail scope Intake needs. Reconnect and leave Gmail access ticked.',
  INTAKE_ERR_IMAP_UNAVAILABLE:
    'The IMAP server could not be reached, refused the connection or failed a command. Intake retries with backoff; nothing is lost. Check the host, port and security (or imap.gmail.*) if it persists.',
  INTAKE_ERR_IMAP_LOGIN:
    'Adding an IMAP mailbox failed at sign-in: the server refused the user name or password, or the folder does not exist. Check them (and that IMAP is enabled for the account) and add it again; nothing was stored.',
  INTAKE_ERR_MAILBOX_EXISTS:
    'The address is already connected another way (through Google). Remove that mailbox first, then add it again the new way.',
  INTAKE_ERR_HISTORY_EXPIRED: 'Gmail no longer has history from the stored cursor. Intake runs a full resync on its own.',
  INTAKE_ERR_GOOGLE_AUTH_RETRY:
    'Gmail answered 401 for an access token. Intake refreshes the token and retries; only invalid_grant from the token endpoint pauses a mailbox.',
  INTAKE_ERR_GOOGLE_PRECONDITION:
    'Gmail answered 400 failedPrecondition. Intake retries a bounded number of times (queue.maxAttempts), then keeps the job as a dead letter to replay.',
  INTAKE_ERR_GOOGLE_FORBIDDEN:
    'Google refused access for the project or domain (accessNotConfigured: enable the Gmail API; domainPolicy: the Workspace admin must allow the app). The job is kept as a dead letter; replay it after fixing.',
  INTAKE_ERR_OAUTH_CLIENT:
    'Google does not accept the OAuth client (invalid_client / deleted_client). Fix google.clientId and INTAKE_GOOGLE_CLIENT_SECRET; jobs wait and retry.',
  INTAKE_ERR_MAILBOX_PARKED:
    'The mailbox awaits re-consent, so its jobs are parked without calling Google. Reconnect it from the admin page; the jobs run again at once.',
  INTAKE_ERR_GOOGLE_REQUEST: 'Google refused a request as malformed (4xx). This is a bug in Intake; report it with the log line.',
  INTAKE_ERR_MESSAGE_GONE: 'The message was deleted from Gmail before it could be fetched. Nothing to do.',
  INTAKE_ERR_MESSAGE_TOO_LARGE:
    'The message exceeds ingest.maxMessageBytes. It is recorded without its body; raise the limit to keep such mail.',
  INTAKE_ERR_OAUTH_STATE:
    'The OAuth callback carried a missing, tampered, replayed or expired state. Start the connection again from the admin page.',
  INTAKE_ERR_OAUTH_EXCHANGE: 'Google refused the authorization code. Start the connection again from the admin page.',
  INTAKE_ERR_NOT_FOUND: 'The requested object does not exist.',
  INTAKE_ERR_BAD_REQUEST: 'The request is malformed; the message says which field and what form is expected.',
  INTAKE_ERR_UNAUTHORIZED: 'Missing, unknown or revoked API token or session. Send `Authorization: Bearer <token>` or sign in again.',
  INTAKE_ERR_PUSH_UNAUTHENTICATED:
    "A request to POST /push/gmail carried no valid Pub/Sub OIDC token (Google-signed, for google.push.audience, from google.push.serviceAccountEmail) and no matching ?token= shared secret. Check the push subscription's authentication settings and endpoint URL.",
  INTAKE_ERR_FORBIDDEN: 'The caller is not allowed here (an agent token on an admin endpoint). Use an admin-scoped token.',
  INTAKE_ERR_CSRF:
    'A form was sent without the CSRF token of the signed-in session (or with a stale one). Reload the page and submit again.',
  INTAKE_ERR_IP_NOT_ALLOWED:
    'The client address is outside http.allowlist. Add its range to http.allowlist (and set http.trustProxy behind a proxy).',
  INTAKE_ERR_LOGIN_LOCKED: 'Too many failed sign-ins for this account or address. Wait auth.lockoutMinutes; the lock lifts on its own.',
  INTAKE_ERR_PAYLOAD_TOO_LARGE: 'The request body exceeds the 1 MiB limit. Send a smaller body.',
  INTAKE_ERR_URI_TOO_LONG: 'A path segment of the URL is too long (over 100 characters). Check the URL.',
  INTAKE_ERR_HEADERS_TOO_LARGE: 'The request line and headers exceed 16 KiB. Send a shorter URL or fewer headers.',
  INTAKE_ERR_UNSUPPORTED_MEDIA_TYPE: 'The body has a content type this endpoint does not read. Send application/json.',
  INTAKE_ERR_REQUEST_TIMEOUT: 'The client did not send the whole request in time. Retry.',
  INTAKE_ERR_QUEUE: 'The job queue is unavailable. For the bullmq driver check Redis; jobs are retried once it is back.',
  INTAKE_ERR_QUEUE_OWNED:
    'Another Intake process already runs the embedded queue on this database. Stop it, or use queue.driver = "bullmq" to run several processes.',
  INTAKE_ERR_BUSY:
    'More API requests are waiting than http.apiMaxWaiting allows. Retry after the Retry-After seconds, or send fewer requests at once.',
  INTAKE_ERR_SHUTTING_DOWN: 'Intake is shutting down and refuses new work. Retry against another instance or after restart.',
  INTAKE_ERR_WEBHOOK_URL:
    'A webhook URL was refused: not https, or its host is (or resolves to) a loopback, private, link-local or metadata address. Use a public https URL, or allow the range under webhooks.*.',
  INTAKE_ERR_WEBHOOK_DELIVERY:
    'A webhook receiver did not answer 2xx in time. Intake retries with backoff for webhooks.maxRetryHours, then lists a dead letter to retry.',
  INTAKE_ERR_PARSE_FAILED:
    'A message could not be parsed (the parser worker crashed, ran out of memory or time). The ticket keeps what its headers say and records the problem; nothing to do.',
  INTAKE_ERR_MESSAGE_UNREADABLE:
    'A message could not become a ticket or quarantine entry at all. It is kept as a poison entry with its raw bytes: see `intake jobs failed`, fix the cause, then `intake jobs retry`.',
  INTAKE_ERR_BACKUP:
    'A backup could not be written, opened or restored: the message says why (wrong or missing key, a changed file, a non-empty data dir). Nothing was overwritten.',
  INTAKE_ERR_INTERNAL: 'An unexpected error. Report it with the log line (it carries the job or request id).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
