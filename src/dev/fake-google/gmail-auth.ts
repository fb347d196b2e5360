// The gate in front of every Gmail call: bearer token, userId ownership, scope
// per method class, then the per-user quota charge (SPEC.md checklist F, G).
import { gmailError, insufficientPermissions, unauthenticated, type GmailError } from './errors.js';
import { bearerOf } from './http-io.js';
import type { Mailbox } from './mailbox-state.js';
import type { GmailMethod, QuotaRefusal } from './quota.js';
import { allows, type GmailMethodClass } from './scopes.js';
import { ensureUser, type FakeState } from './state.js';

export interface GmailCaller {
  email: string;
  clientId: string;
  scopes: string[];
  box: Mailbox;
}

export function authorizeGmail(
  s: FakeState,
  /** The request's Authorization header (a batch part's own, or the batch's). */
  authorization: string | undefined,
  url: URL,
  userId: string,
  cls: GmailMethodClass,
  op: GmailMethod,
): GmailCaller | GmailError {
  const token = bearerOf(authorization) ?? url.searchParams.get('access_token') ?? undefined;
  const rec = s.store.liveAccessToken(token);
  if (!rec) return unauthenticated();
  const email = rec.grant.email;
  if (userId !== 'me' && userId.toLowerCase() !== email.toLowerCase()) {
    return gmailError(403, 'forbidden', `Delegation denied for ${email}`);
  }
  if (!allows(rec.scopes, cls)) return insufficientPermissions();
  const clientId = rec.grant.clientId;
  const refusal = s.quota.charge(clientId, email.toLowerCase(), op);
  if (refusal) {
    s.faults.refusals[refusal.kind]++;
    return quotaExceeded(s.quotaExceededStatus, refusal);
  }
  return { email, clientId, scopes: rec.scopes, box: ensureUser(s, email) };
}

/** Google's answers per limit (SPEC.md §3.10); the user limit in today's 429 or the older 403 style. */
export function quotaExceeded(status: 429 | 403, refusal: QuotaRefusal): GmailError {
  switch (refusal.kind) {
    case 'daily':
      return gmailError(403, 'dailyLimitExceeded', 'Daily Limit Exceeded', 'usageLimits');
    case 'project':
      return status === 403
        ? gmailError(403, 'rateLimitExceeded', 'Rate Limit Exceeded', 'usageLimits')
        : gmailError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', 'usageLimits');
    case 'concurrency':
      return gmailError(429, 'rateLimitExceeded', 'Too many concurrent requests for user.', 'usageLimits');
    case 'user': {
      if (status === 403) return gmailError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', 'usageLimits');
      const at = new Date(Date.now() + refusal.waitMs).toISOString();
      return gmailError(429, 'rateLimitExceeded', `User-rate limit exceeded.  Retry after ${at}`, 'usageLimits');
    }
  }
}
