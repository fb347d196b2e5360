// The one root pino logger. All redaction happens here, so no module can leak a token,
// secret, cookie or mail body into a log line by passing the wrong object.
import { pino, type Logger, type DestinationStream } from 'pino';
import { redactUrl } from './redact-url.js';

export type { Logger } from 'pino';

// `code` is not here: it carries our error codes. OAuth codes never go into a log object,
// and scrubMessage() removes code-shaped strings from messages.
const SECRET_KEYS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'authCode',
  'codeVerifier',
  'code_verifier',
  'secret',
  'clientSecret',
  'client_secret',
  'password',
  'apiToken',
  'authorization',
  'cookie',
  'set-cookie',
  'raw',
  'text',
  'html',
  'body',
  'textBody',
  'htmlBody',
  'content',
  'state',
  'totp',
  'email',
  'address',
  'from',
  'to',
  'cc',
];

const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'err.config',
  'err.response',
];

export interface LoggerOptions {
  level: string;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'intake' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // fastify merges these over its own: every request line carries the redacted URL.
      serializers: { err: serializeError, req: serializeRequest },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

interface RequestLike {
  method?: string;
  url?: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** fastify's request fields, with the secret-bearing query parameters of the URL redacted. */
function serializeRequest(req: RequestLike): Record<string, unknown> {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    host: req.hostname,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * Errors from google-auth-library/gaxios carry the request (with tokens in headers or
 * the form body) and the response: keep only what helps an operator.
 */
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & { code?: unknown; status?: unknown; retryable?: unknown };
  return {
    type: e.name,
    message: scrubMessage(e.message),
    code: e.code,
    status: e.status,
    retryable: e.retryable,
    stack: e.stack ? scrubMessage(e.stack) : undefined,
  };
}

/** Token-shaped strings never survive into a message, whatever produced it. */
export function scrubMessage(message: string): string {
  return message
    .replace(/ya29\.[\w.-]+/g, '[redacted]')
    .replace(/1\/\/[\w.-]+/g, '[redacted]')
    .replace(/4\/0[\w.-]+/g, '[redacted]')
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '[redacted]')
    .replace(/(Bearer\s+)[\w.~+/=-]+/gi, '$1[redacted]');
}
