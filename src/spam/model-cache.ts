// The whole model held in memory, because classifying must cost microseconds, not one
// SQLite lookup per token. SQLite stays the truth; this is rebuilt from it whenever the
// stored generation moves past the one loaded. The counts sit in an open-addressing table
// keyed by the 32-bit feature hash (typed arrays: no object per feature, no Map hashing).

export interface StoredCounts {
  spam: number;
  ham: number;
  starterSpam: number;
  starterHam: number;
}

/** One change to one feature's counts; the same shape for totals. */
export type CountDelta = StoredCounts;

export function zeroCounts(): StoredCounts {
  return { spam: 0, ham: 0, starterSpam: 0, starterHam: 0 };
}

const EMPTY = -1;
const FIELDS = 4;

/** hash -> counts, linear probing over a power-of-two table kept under half full. */
export class HashCountTable {
  #slots = new Int32Array(1024).fill(EMPTY);
  #keys = new Uint32Array(512);
  #counts = new Float64Array(512 * FIELDS);
  #size = 0;
  // get() fills and returns this one object: callers read it before the next lookup.
  readonly #view: StoredCounts = zeroCounts();

  get size(): number {
    return this.#size;
  }

  /** The counts of `hash`, or undefined when it has none. The object is reused by the next call. */
  get(hash: number): StoredCounts | undefined {
    const e = this.#find(hash);
    if (e === EMPTY) return undefined;
    const c = this.#counts;
    const at = e * FIELDS;
    if (c[at]! + c[at + 1]! + c[at + 2]! + c[at + 3]! === 0) return undefined;
    const v = this.#view;
    v.spam = c[at]!;
    v.ham = c[at + 1]!;
    v.starterSpam = c[at + 2]!;
    v.starterHam = c[at + 3]!;
    return v;
  }

  set(hash: number, counts: StoredCounts): void {
    let e = this.#find(hash);
    if (e === EMPTY) e = this.#insert(hash);
    const at = e * FIELDS;
    this.#counts[at] = counts.spam;
    this.#counts[at + 1] = counts.ham;
    this.#counts[at + 2] = counts.starterSpam;
    this.#counts[at + 3] = counts.starterHam;
  }

  #find(hash: number): number {
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let i = mix(hash) & mask; ; i = (i + 1) & mask) {
      const e = slots[i]!;
      if (e === EMPTY || this.#keys[e] === hash) return e;
    }
  }

  #insert(hash: number): number {
    if (this.#size === this.#keys.length) this.#grow();
    const e = this.#size++;
    this.#keys[e] = hash;
    this.#place(hash, e);
    return e;
  }

  #place(hash: number, e: number): void {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let i = mix(hash) & mask;
    while (slots[i] !== EMPTY) i = (i + 1) & mask;
    slots[i] = e;
  }

  #grow(): void {
    const capacity = this.#keys.length * 2;
    const keys = new Uint32Array(capacity);
    keys.set(this.#keys);
    const counts = new Float64Array(capacity * FIELDS);
    counts.set(this.#counts);
    this.#keys = keys;
    this.#counts = counts;
    this.#slots = new Int32Array(capacity * 2).fill(EMPTY);
    for (let e = 0; e < this.#size; e++) this.#place(keys[e]!, e);
  }
}

/** FNV hashes are well spread in their high bits, less so in the low ones the mask keeps. */
function mix(hash: number): number {
  return Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) >>> 0;
}

export class ModelCache {
  readonly tokens = new HashCountTable();
  totals: StoredCounts = zeroCounts();
  generation = -1;

  /** A feature whose counts all reach zero reads as absent (its slot stays until the next load). */
  applyDelta(hash: number, d: CountDelta): void {
    const current = { ...(this.tokens.get(hash) ?? zeroCounts()) };
    addClamped(current, d);
    this.tokens.set(hash, current);
  }

  applyTotals(d: CountDelta): void {
    addClamped(this.totals, d);
  }
}

/** Counts never go below zero, in memory as in SQL (MAX(0, ...)). */
export function addClamped(target: StoredCounts, d: CountDelta): void {
  target.spam = Math.max(0, target.spam + d.spam);
  target.ham = Math.max(0, target.ham + d.ham);
  target.starterSpam = Math.max(0, target.starterSpam + d.starterSpam);
  target.starterHam = Math.max(0, target.starterHam + d.starterHam);
}
