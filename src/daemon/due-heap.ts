// A min-heap of (due time, mailbox id) with at most one entry per mailbox, so the
// scheduler finds the next due mailbox in O(log n) among thousands.

export class DueHeap {
  private readonly ids: number[] = [];
  private readonly times: number[] = [];
  private readonly index = new Map<number, number>();

  get size(): number {
    return this.ids.length;
  }

  has(id: number): boolean {
    return this.index.has(id);
  }

  peekTime(): number | undefined {
    return this.times[0];
  }

  /** Adds the mailbox or moves its due time. */
  set(id: number, at: number): void {
    const i = this.index.get(id);
    if (i === undefined) {
      this.ids.push(id);
      this.times.push(at);
      this.index.set(id, this.ids.length - 1);
      this.up(this.ids.length - 1);
      return;
    }
    this.times[i] = at;
    this.up(i);
    this.down(this.index.get(id) ?? i);
  }

  remove(id: number): void {
    const i = this.index.get(id);
    if (i === undefined) return;
    this.swap(i, this.ids.length - 1);
    this.ids.pop();
    this.times.pop();
    this.index.delete(id);
    if (i < this.ids.length) {
      this.up(i);
      this.down(i);
    }
  }

  /** The id of a mailbox due at `now`, removed from the heap; undefined when none is due. */
  popDue(now: number): number | undefined {
    const first = this.times[0];
    const id = this.ids[0];
    if (first === undefined || id === undefined || first > now) return undefined;
    this.remove(id);
    return id;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.times[parent] ?? 0) <= (this.times[i] ?? 0)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < this.ids.length && (this.times[l] ?? 0) < (this.times[min] ?? 0)) min = l;
      if (r < this.ids.length && (this.times[r] ?? 0) < (this.times[min] ?? 0)) min = r;
      if (min === i) return;
      this.swap(i, min);
      i = min;
    }
  }

  private swap(a: number, b: number): void {
    const ia = this.ids[a] as number;
    const ib = this.ids[b] as number;
    [this.ids[a], this.ids[b]] = [ib, ia];
    [this.times[a], this.times[b]] = [this.times[b] as number, this.times[a] as number];
    this.index.set(ib, a);
    this.index.set(ia, b);
  }
}
