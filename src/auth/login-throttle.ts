// Counts sign-in attempts per key ("ip:…") in a sliding window and locks a key out for a
// while once it reaches the limit. An attempt is reserved (counted as a failure) before
// the password is checked, synchronously, so parallel attempts cannot all pass the check;
// a success releases the key. Pure and in memory: a restart forgets the counts, which only
// helps someone who can already restart the daemon.
export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Milliseconds until the key may try again; 0 when it may try now. */
  retryAfterMs(key: string): number {
    const entry = this.entries.get(key);
    return entry ? Math.max(0, entry.lockedUntil - this.now()) : 0;
  }

  /**
   * Takes one attempt for the key: 0 when it may go ahead (the attempt already counts as a
   * failure until released), else the milliseconds until it may try again. The limit'th
   * reservation locks the key, so at most `maxFailures` attempts run per lockout.
   */
  reserve(key: string, rule: ThrottleRule): number {
    const wait = this.retryAfterMs(key);
    if (wait > 0) return wait;
    this.recordFailure(key, rule);
    return 0;
  }

  recordFailure(key: string, rule: ThrottleRule): void {
    const now = this.now();
    const entry = this.entries.get(key) ?? { failures: [], lockedUntil: 0 };
    entry.failures = entry.failures.filter((t) => now - t < rule.windowMs);
    entry.failures.push(now);
    if (entry.failures.length >= rule.maxFailures) {
      entry.lockedUntil = now + rule.lockoutMs;
      entry.failures = [];
    }
    this.entries.set(key, entry);
    if (this.entries.size > 10_000) this.prune();
  }

  /** A success from the key forgets its failures (and the reservation that succeeded). */
  recordSuccess(key: string): void {
    this.entries.delete(key);
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.lockedUntil < now && entry.failures.length === 0) this.entries.delete(key);
  }
}
