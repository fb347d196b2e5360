// An exact sliding window of spent units: what was spent in the last `windowMs`, and how
// long until `units` more fit under a limit. Pure (time is passed in); a deque of spends,
// amortised O(1), so a project-wide window of 240,000 calls a minute stays cheap.

const RECHECK_MS = 5;

export class SlidingWindow {
  private times: number[] = [];
  private amounts: number[] = [];
  private head = 0;
  private total = 0;
  /** Units of calls still in flight: counted as spent now until they settle. */
  private reserved = 0;

  readonly windowMs: number;

  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  used(now: number): number {
    this.expire(now);
    return this.total + this.reserved;
  }

  /** 0 when `units` fit under `limit` now, else the ms until enough old spends leave. */
  waitFor(units: number, limit: number, now: number): number {
    this.expire(now);
    if (this.total + this.reserved + units <= limit) return 0;
    if (units > limit) return this.windowMs; // never fits: the caller's limit is misconfigured
    let excess = this.total + this.reserved + units - limit;
    for (let i = this.head; i < this.times.length; i++) {
      excess -= this.amounts[i] ?? 0;
      if (excess <= 0) return Math.max(1, (this.times[i] ?? now) + this.windowMs - now + 1);
    }
    // Only calls in flight stand in the way: they settle within a round trip.
    return this.reserved > 0 ? RECHECK_MS : this.windowMs;
  }

  spend(units: number, now: number): void {
    this.times.push(now);
    this.amounts.push(units);
    this.total += units;
  }

  /**
   * A call about to go out: its units count from now, but its place in the window is fixed only
   * when it settles. Google counts a call when it arrives, which is some time after it was
   * sent; stamping it when the answer is back (never earlier than its arrival) means the
   * window here never lets a unit go before Google's does, however slow the network or the
   * event loop is.
   */
  reserve(units: number): void {
    this.reserved += units;
  }

  settle(units: number, now: number): void {
    this.reserved = Math.max(0, this.reserved - units);
    this.spend(units, now);
  }

  private expire(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= cutoff) {
      this.total -= this.amounts[this.head] ?? 0;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.amounts = this.amounts.slice(this.head);
      this.head = 0;
    }
  }
}
