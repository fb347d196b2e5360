// Gmail per-user quota: units per method (SPEC.md §3.8) and a rolling one-second
// window per user. Two counters per user and no allocation per request, so
// benchmarks can push tens of thousands of calls through it.

export const QUOTA_UNITS = {
  getProfile: 1,
  'history.list': 2,
  'labels.list': 1,
  'labels.get': 1,
  'labels.create': 5,
  'labels.delete': 5,
  'messages.list': 5,
  'messages.get': 5,
  'messages.attachments.get': 5,
  'messages.modify': 5,
  'messages.batchModify': 50,
  'messages.delete': 10,
  watch: 100,
  stop: 50,
} as const;

export type GmailMethod = keyof typeof QUOTA_UNITS;

interface Window {
  second: number;
  previous: number;
  current: number;
}

export class UserQuota {
  private readonly windows = new Map<string, Window>();

  private readonly unitsPerSecond: number;

  constructor(unitsPerSecond: number) {
    this.unitsPerSecond = unitsPerSecond;
  }

  /**
   * Charges `units` to the user; returns 0 when allowed, else the ms to wait.
   * The previous second's use is weighted by how much of it still overlaps
   * the last 1,000 ms: a moving average that still allows short bursts.
   */
  charge(user: string, units: number, now = Date.now()): number {
    const second = Math.floor(now / 1000);
    let w = this.windows.get(user);
    if (!w) {
      w = { second, previous: 0, current: 0 };
      this.windows.set(user, w);
    } else if (w.second !== second) {
      w.previous = w.second === second - 1 ? w.current : 0;
      w.current = 0;
      w.second = second;
    }
    const elapsed = (now % 1000) / 1000;
    const used = w.previous * (1 - elapsed) + w.current;
    if (used + units > this.unitsPerSecond) return Math.max(1, 1000 - (now % 1000));
    w.current += units;
    return 0;
  }
}
