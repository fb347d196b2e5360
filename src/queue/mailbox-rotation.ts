// The order in which a queue's mailboxes are served: round-robin, with a mailbox that has
// just got work after being idle served first, and a mailbox that cannot run yet (its Google
// quota is spent, its jobs wait for backoff) skipped until then. Pure bookkeeping, no I/O.

/** A mailbox id, or null for jobs that belong to no mailbox (they form one lane of their own). */
export type LaneKey = number | null;

export class MailboxRotation {
  /** Lanes that got work while idle: served before any busy lane, in arrival order. */
  private readonly fresh = new Set<LaneKey>();
  /** Lanes served before, least recently served first (a Map keeps insertion order). */
  private readonly busy = new Map<LaneKey, true>();
  private readonly pausedUntil = new Map<LaneKey, number>();
  private readonly activeCount = new Map<LaneKey, number>();

  /** New jobs for a lane: it is eligible at once, and first in line if it was idle. */
  arrive(key: LaneKey): void {
    this.pausedUntil.delete(key);
    if (!this.busy.has(key)) this.fresh.add(key);
  }

  /** A lane found in storage: known from now on, without lifting a pause it is under. */
  know(key: LaneKey): void {
    if (!this.busy.has(key)) this.fresh.add(key);
  }

  /** A lane's job went back to waiting (a retry): the lane rejoins at the back if it had left. */
  requeue(key: LaneKey): void {
    if (!this.busy.has(key) && !this.fresh.has(key)) this.busy.set(key, true);
  }

  /** Lanes to try, in order, leaving out those paused past `now`. */
  order(now: number): LaneKey[] {
    const out: LaneKey[] = [];
    for (const lanes of [this.fresh.keys(), this.busy.keys()]) {
      for (const key of lanes) {
        const until = this.pausedUntil.get(key);
        if (until !== undefined) {
          if (until > now) continue;
          this.pausedUntil.delete(key);
        }
        out.push(key);
      }
    }
    return out;
  }

  /** A job of the lane was handed out: the lane goes to the back of the line. */
  served(key: LaneKey): void {
    this.fresh.delete(key);
    this.busy.delete(key);
    this.busy.set(key, true);
    this.activeCount.set(key, (this.activeCount.get(key) ?? 0) + 1);
  }

  /** A job of the lane ended (completed, failed, retried later). */
  finished(key: LaneKey): void {
    const n = (this.activeCount.get(key) ?? 0) - 1;
    if (n > 0) this.activeCount.set(key, n);
    else this.activeCount.delete(key);
  }

  active(key: LaneKey): number {
    return this.activeCount.get(key) ?? 0;
  }

  /** The lane has no waiting job: forgotten until new work arrives. */
  drained(key: LaneKey): void {
    this.fresh.delete(key);
    this.busy.delete(key);
    this.pausedUntil.delete(key);
  }

  pause(key: LaneKey, until: number): void {
    this.pausedUntil.set(key, until);
  }

  /** Milliseconds until the earliest pause ends, or undefined when no lane is paused. */
  nextWakeIn(now: number): number | undefined {
    let earliest: number | undefined;
    for (const until of this.pausedUntil.values()) if (earliest === undefined || until < earliest) earliest = until;
    return earliest === undefined ? undefined : Math.max(0, earliest - now);
  }

  size(): number {
    return this.fresh.size + this.busy.size;
  }

  clear(): void {
    this.fresh.clear();
    this.busy.clear();
    this.pausedUntil.clear();
  }
}
