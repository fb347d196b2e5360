// How Intake reaches Redis: the URL (redis:// or rediss:// for TLS) and the password, which
// comes from a secret (INTAKE_REDIS_PASSWORD or its _FILE), never from the URL in a log line.
// Pure, so the rules are tested without a server.
import { IntakeError } from '../errors/intake-error.js';

export interface RedisSettings {
  url: string;
  password?: string;
  /** How long one command may wait for Redis before it fails (the producer's bound). */
  commandTimeoutMs: number;
}

export interface RedisClientOptions {
  url: string;
  password?: string;
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
  enableReadyCheck: boolean;
  connectionName: string;
  retryStrategy: (times: number) => number;
}

/** Reconnect forever, backing off to 2 s: a Redis restart must never stop the daemon. */
export const redisRetryDelay = (times: number): number => Math.min(2_000, 50 * 2 ** Math.min(times, 6));

export function redisClientOptions(settings: RedisSettings, role: string): RedisClientOptions {
  let parsed: URL;
  try {
    parsed = new URL(settings.url);
  } catch {
    throw new IntakeError('INTAKE_ERR_CONFIG', 'queue.redisUrl is not a URL; expected redis://host:port or rediss://host:port', false);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new IntakeError('INTAKE_ERR_CONFIG', `queue.redisUrl must start with redis:// or rediss://, not ${parsed.protocol}//`, false);
  }
  if (parsed.password && settings.password) {
    throw new IntakeError(
      'INTAKE_ERR_CONFIG',
      'the Redis password is given twice (in queue.redisUrl and as INTAKE_REDIS_PASSWORD); keep only the secret',
      false,
    );
  }
  return {
    url: settings.url,
    ...(settings.password ? { password: settings.password } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: `intake-${role}`,
    retryStrategy: redisRetryDelay,
  };
}

/** The URL as it may appear in a log line or an error: no user name or password. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}
