// Keeps one mailbox's Gmail calls under Google's per-user quota (250 units/s) by spending
// from a token bucket before each call, so quota errors are the exception, not the pace.
// The bucket is small: within any one-second window at most burst + rate units go out.

export const GMAIL_UNITS = {
  getProfile: 1,
  messagesList: 5,
  messagesGet: 5,
  historyList: 2,
  messagesModify: 5,
  messagesBatchModify: 50,
  labelsList: 1,
  labelsCreate: 5,
} as const;

export class QuotaLimiter {
  private tokens: number;
  private last: number;
  private readonly burst: number;
  private readonly ratePerMs: number;
  private chain: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(unitsPerSecond: number, now: () => number = () => performance.now()) {
    this.ratePerMs = unitsPerSecond / 1000;
    this.burst = Math.max(GMAIL_UNITS.messagesGet, Math.floor(unitsPerSecond / 5));
    this.tokens = this.burst;
    this.now = now;
    this.last = now();
  }

  /** Resolves once `units` may be spent; callers are served in arrival order. */
  take(units: number): Promise<void> {
    const turn = this.chain.then(() => this.wait(units));
    this.chain = turn;
    return turn;
  }

  /** Pure arithmetic for the next wait, exposed for tests. */
  delayFor(units: number): number {
    this.refill();
    return this.tokens >= units ? 0 : Math.ceil((units - this.tokens) / this.ratePerMs);
  }

  /**
   * Milliseconds until `units` could be spent at once, never more than a full bucket takes
   * (so a caller asking for several calls' worth is not told "never"). Spends nothing.
   */
  readyIn(units: number): number {
    return this.delayFor(Math.min(units, this.burst));
  }

  private async wait(units: number): Promise<void> {
    // A call dearer than the bucket holds (batchModify: 50) waits for a full bucket and leaves
    // it in debt, which the calls after it wait out; otherwise it would wait forever.
    const need = Math.min(units, this.burst);
    let delay = this.delayFor(need);
    while (delay > 0) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = this.delayFor(need);
    }
    this.tokens -= units;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (t - this.last) * this.ratePerMs);
    this.last = t;
  }
}
