// What one delivery attempt's outcome means. Pure, so the rules are tested on their own:
// 2xx delivered; 410 Gone disables the endpoint; anything else is retried (the queue backs off
// exponentially with jitter) until webhooks.maxRetryHours after the first attempt, then the
// delivery is a dead letter an admin can retry.
export type AttemptResult = { status: number } | { error: string };

export type AttemptDecision = 'delivered' | 'endpoint_gone' | 'retry' | 'dead';

export function decideAttempt(result: AttemptResult, firstAttemptAt: number, now: number, maxRetryHours: number): AttemptDecision {
  if ('status' in result && result.status >= 200 && result.status < 300) return 'delivered';
  if ('status' in result && result.status === 410) return 'endpoint_gone';
  return now - firstAttemptAt >= maxRetryHours * 3_600_000 ? 'dead' : 'retry';
}

export function describeAttempt(result: AttemptResult): string {
  return 'status' in result ? `receiver answered HTTP ${result.status}` : result.error;
}
