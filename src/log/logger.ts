// The one root pino logger. All redaction happens here, so no module can leak a token,
// secret, cookie or mail body into a log line by passing the wrong object. Mail addresses
// are replaced by a keyed hash (privacy.logAddresses: hash | redact | clear).
import { createHmac, randomBytes } from 'node:crypto';
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
];

/** Keys whose values are mail addresses: hashed (or redacted, or kept) by the address policy. */
const ADDRESS_KEYS = ['email', 'address', 'from', 'to', 'cc', 'loginHint'];
const ADDRESS_IN_TEXT = /[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+/g;

export type LogAddressPolicy = 'hash' | 'redact' | 'clear';

/** How an address is shown; before the installation's key is known, a per-process random key. */
class AddressMask {
  private hashOf: (address: string) => string;

  readonly policy: LogAddressPolicy;

  constructor(policy: LogAddressPolicy) {
    this.policy = policy;
    const key = randomBytes(32);
    this.hashOf = (a) => `addr~${createHmac('sha256', key).update(a.trim().toLowerCase()).digest('hex').slice(0, 24)}`;
  }

  useSubjectRef(fn: (address: string) => string): void {
    this.hashOf = fn;
  }

  mask(address: string): string {
    return this.policy === 'hash' ? this.hashOf(address) : this.policy === 'redact' ? '[redacted]' : address;
  }

  value(value: unknown): unknown {
    if (typeof value === 'string') return value.includes('@') ? this.mask(value) : value;
    if (Array.isArray(value)) return value.map((v) => this.value(v));
    if (value && typeof value === 'object' && 'address' in value) return { ...value, address: this.value(value.address) };
    return '[redacted]';
  }

  text(text: string): string {
    return this.policy === 'clear' ? text : text.replace(ADDRESS_IN_TEXT, (a) => this.mask(a));
  }
}

const masks = new WeakMap<object, AddressMask>();

/**
 * Once the installation's MAC root is loaded, addresses are logged as the same keyed hash
 * the audit log uses, so a log line and an audit entry about one person can be matched.
 */
export function setLogSubjectRef(log: Logger, fn: (address: string) => string): void {
  // pino children inherit from their parent's prototype chain; find the root's mask.
  for (let o: object | null = log; o; o = Object.getPrototypeOf(o) as object | null) {
    const mask = masks.get(o);
    if (mask) {
      mask.useSubjectRef(fn);
      return;
    }
  }
}

const KEY_PATHS = (keys: string[]) => [...keys, ...keys.map((k) => `*.${k}`), ...keys.map((k) => `*.*.${k}`)];

const REDACT_PATHS = [
  ...KEY_PATHS(SECRET_KEYS),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'err.config',
  'err.response',
];

export interface LoggerOptions {
  level: string;
  destination?: DestinationStream;
  /** Default 'hash': a keyed hash per address; 'redact' drops them; 'clear' keeps them (debugging only). */
  addresses?: LogAddressPolicy;
}

export function createLogger(options: LoggerOptions): Logger {
  const mask = new AddressMask(options.addresses ?? 'hash');
  const addressPaths = new Set(KEY_PATHS(ADDRESS_KEYS).map((p) => p.split('.').at(-1)));
  const log = pino(
    {
      level: options.level,
      base: { service: 'intake' },
      redact: {
        paths: [...REDACT_PATHS, ...(mask.policy === 'clear' ? [] : KEY_PATHS(ADDRESS_KEYS))],
        censor: (value: unknown, path: string[]) => (addressPaths.has(path.at(-1)) ? mask.value(value) : '[redacted]'),
      },
      // fastify merges these over its own: every request line carries the redacted URL.
      serializers: { err: (err: unknown) => serializeError(err, mask), req: serializeRequest },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? mask.text(a) : a)) as Parameters<typeof method>);
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ sync: false }),
  );
  masks.set(log, mask);
  return log;
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
function serializeError(err: unknown, mask: AddressMask): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & { code?: unknown; status?: unknown; retryable?: unknown };
  return {
    type: e.name,
    message: mask.text(scrubMessage(e.message)),
    code: e.code,
    status: e.status,
    retryable: e.retryable,
    stack: e.stack ? mask.text(scrubMessage(e.stack)) : undefined,
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
