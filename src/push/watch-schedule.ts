// When a mailbox's Gmail watch is renewed: renewBefore its expiration (Google: re-call
// watch at least every 7 days, daily recommended), and after a failed call with a backoff
// of its own, so one mailbox's refusal never delays another's. Pure.

/** Never sooner than this after a call, whatever the expiration says (no hot loop). */
export const MIN_RENEW_DELAY_MS = 1000;
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 3600_000;

export function renewDelayMs(expiration: number, renewBeforeMs: number, now: number): number {
  return Math.max(MIN_RENEW_DELAY_MS, expiration - renewBeforeMs - now);
}

/** After the n-th consecutive failure (n ≥ 1): 30 s doubling to an hour. */
export function retryDelayMs(failures: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
}

/** A stored watch on the same topic with more than renewBefore left needs no call now. */
export function isCurrent(
  stored: { topicName: string; expiration: number } | undefined,
  topicName: string,
  renewBeforeMs: number,
  now: number,
): boolean {
  return !!stored && stored.topicName === topicName && stored.expiration - renewBeforeMs > now;
}
