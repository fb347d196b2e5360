// The gate in front of every Gmail call: bearer token, userId ownership, scope
// per method class, then the per-user quota charge (SPEC.md checklist F, G).
import type { IncomingMessage } from 'node:http';
import { gmailError, insufficientPermissions, unauthenticated, type GmailError } from './errors.js';
import { bearerToken } from './http-io.js';
import type { Mailbox } from './mailbox-state.js';
import { QUOTA_UNITS, type GmailMethod } from './quota.js';
import { allows, type GmailMethodClass } from './scopes.js';
import { ensureUser, type FakeState } from './state.js';

export interface GmailCaller {
  email: string;
  scopes: string[];
  box: Mailbox;
}

export function authorizeGmail(
  s: FakeState,
  req: IncomingMessage,
  url: URL,
  userId: string,
  cls: GmailMethodClass,
  op: GmailMethod,
): GmailCaller | GmailError {
  const token = bearerToken(req) ?? url.searchParams.get('access_token') ?? undefined;
  const rec = s.store.liveAccessToken(token);
  if (!rec) return unauthenticated();
  const email = rec.grant.email;
  if (userId !== 'me' && userId.toLowerCase() !== email.toLowerCase()) {
    return gmailError(403, 'forbidden', `Delegation denied for ${email}`);
  }
  if (!allows(rec.scopes, cls)) return insufficientPermissions();
  const waitMs = s.quota.charge(email.toLowerCase(), QUOTA_UNITS[op]);
  if (waitMs > 0) return quotaExceeded(s.quotaExceededStatus, waitMs);
  return { email, scopes: rec.scopes, box: ensureUser(s, email) };
}

function quotaExceeded(status: 429 | 403, waitMs: number): GmailError {
  if (status === 403) return gmailError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', 'usageLimits');
  const at = new Date(Date.now() + waitMs).toISOString();
  return gmailError(429, 'rateLimitExceeded', `User-rate limit exceeded.  Retry after ${at}`, 'usageLimits');
}
