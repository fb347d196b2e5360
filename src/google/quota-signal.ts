// Reads what a Gmail error says about quota: the user's rate, the project's, the per-user
// concurrency cap or the daily limit, and when Google said to retry. Pure; the limiter
// acts on it. (classify-google-error.ts decides retryability; this decides the pace.)

export type QuotaSignal = 'user' | 'project' | 'concurrency' | 'daily';

interface ErrorShape {
  status?: unknown;
  code?: unknown;
  response?: { status?: unknown; data?: unknown };
}

function details(err: unknown): { status: number | undefined; reason: string; message: string } {
  const e = err as ErrorShape | null;
  const raw = e?.response?.status ?? e?.status ?? e?.code;
  const status = typeof raw === 'number' ? raw : undefined;
  const data = e?.response?.data as { error?: { message?: string; errors?: { reason?: string }[] } } | undefined;
  return { status, reason: data?.error?.errors?.[0]?.reason ?? '', message: data?.error?.message ?? '' };
}

export function quotaSignal(err: unknown): QuotaSignal | null {
  const { status, reason, message } = details(err);
  if (status !== 429 && status !== 403) return null;
  if (reason === 'dailyLimitExceeded') return 'daily';
  if (reason === 'userRateLimitExceeded' || /user-rate limit/i.test(message)) return 'user';
  if (/concurrent requests/i.test(message)) return 'concurrency';
  if (reason === 'rateLimitExceeded' || status === 429) return 'project';
  return null;
}

/** "User-rate limit exceeded.  Retry after 2026-05-01T10:00:00.000Z" -> ms from now. */
export function retryAfterMs(err: unknown, now: number): number | null {
  const m = /Retry after (\S+)/.exec(details(err).message);
  if (!m?.[1]) return null;
  const at = Date.parse(m[1]);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
