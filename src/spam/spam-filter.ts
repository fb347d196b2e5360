// The trainable filter: classify against an in-memory copy of the counts, learn / unlearn
// one message in one SQLite transaction, and remember what each message was trained as,
// so a corrected label moves counts instead of doubling them.
import type Database from 'better-sqlite3';
import { extractFeatures } from './features.js';
import { hashFeature, packHashes, unpackHashes } from './feature-hash.js';
import { ModelCache, zeroCounts } from './model-cache.js';
import type { CountDelta } from './model-cache.js';
import type { SpamInput } from './spam-input.js';
import { SpamModelRepo } from './spam-model-repo.js';
import type { SpamOptions } from './spam-options.js';
import { scoreFeatures } from './spam-verdict.js';
import type { SpamLabel, SpamVerdict } from './spam-verdict.js';

export type { SpamLabel, SpamVerdict, SpamEvidence } from './spam-verdict.js';

export interface SpamStats {
  /** messages learned from this installation's mail (agents' marks, `intake spam train`) */
  spam: number;
  ham: number;
  /** messages of the starter corpus */
  starterSpam: number;
  starterHam: number;
  /** distinct features with a count */
  features: number;
  /** messages remembered for unlearning */
  trainedMessages: number;
  generation: number;
  /** on-disk bytes of the counts and of the trained-message memory, when measurable */
  modelBytes: number | null;
  docsBytes: number | null;
}

/** Per-feature deltas of a starter-corpus batch: hash -> [spam, ham] message counts. */
/** Per feature hash: [spam messages, ham messages]. A Map, or a stream of pairs from a worker. */
export type StarterCounts = Iterable<readonly [number, readonly [number, number]]>;

/** How a reader learns that the stored model moved. */
export interface SpamFreshness {
  /**
   * The stored generation is read at most this often (ms), and at the next classify after
   * stale(); 0 reads it on every classify. A reader whose writer is in the same process (an
   * analyse worker: learning happens on the ingest thread, which calls stale() through the
   * pool) needs only to notice other processes (`intake spam train`) this late.
   */
  recheckMs: number;
}

export class SpamFilter {
  readonly #db: Database.Database;
  readonly #repo: SpamModelRepo;
  readonly #options: SpamOptions;
  readonly #recheckMs: number;
  readonly #listeners: (() => void)[] = [];
  #cache: ModelCache | null = null;
  #checkedAt = 0;
  #stale = false;

  constructor(db: Database.Database, options: SpamOptions, freshness: SpamFreshness = { recheckMs: 0 }) {
    this.#db = db;
    this.#repo = new SpamModelRepo(db);
    this.#options = Object.freeze({ ...options });
    this.#recheckMs = freshness.recheckMs;
  }

  get options(): SpamOptions {
    return this.#options;
  }

  /** The model's SQLite file, so another process can write the starter counts; null in memory. */
  get storeFile(): string | null {
    return this.#db.memory ? null : this.#db.name;
  }

  /** Drops the in-memory copy after another process changed the stored model. */
  reload(): void {
    this.#cache = null;
    this.#changed();
  }

  /** The stored model may have moved: read its generation at the next classify (see SpamFreshness). */
  stale(): void {
    this.#stale = true;
  }

  /** Called after every change this filter makes to the model (learn, unlearn, reset, starter counts, reload). */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /** With the filter disabled every message is ham: nothing is quarantined. */
  classify(input: SpamInput): SpamVerdict {
    if (!this.#options.enabled) return { verdict: 'ham', score: 0, evidence: [] };
    return this.classifyFeatures(extractFeatures(input));
  }

  classifyFeatures(features: readonly string[]): SpamVerdict {
    const cache = this.#fresh();
    const tokens = cache.tokens;
    return scoreFeatures(features, (h) => tokens.get(h), cache.totals, this.#options);
  }

  learn(docKey: string, input: SpamInput, label: SpamLabel): void {
    this.learnFeatures(docKey, extractFeatures(input), label);
  }

  learnFeatures(docKey: string, features: readonly string[], label: SpamLabel): void {
    const hashes = packHashes(features.map(hashFeature));
    this.#change(() => {
      const previous = this.#repo.getDoc(docKey);
      if (previous?.label === label) return null;
      const deltas = new Map<number, CountDelta>();
      if (previous) addDoc(deltas, unpackHashes(previous.features), previous.label, -1);
      addDoc(deltas, unpackHashes(hashes), label, +1);
      this.#repo.putDoc(docKey, label, hashes, Date.now());
      return { deltas, totals: docTotals(previous?.label, label) };
    });
  }

  unlearn(docKey: string): void {
    this.#change(() => {
      const previous = this.#repo.getDoc(docKey);
      if (!previous) return null;
      const deltas = new Map<number, CountDelta>();
      addDoc(deltas, unpackHashes(previous.features), previous.label, -1);
      this.#repo.deleteDoc(docKey);
      return { deltas, totals: docTotals(previous.label, undefined) };
    });
  }

  trainedAs(docKey: string): SpamLabel | null {
    return this.#repo.getDoc(docKey)?.label ?? null;
  }

  /** Adds a batch of starter-corpus counts in one transaction; nothing is remembered per message. */
  addStarterCounts(counts: StarterCounts, messages: { spam: number; ham: number }): void {
    writeStarterCounts(this.#repo, counts, messages);
    this.#cache = null;
    this.#changed();
  }

  stats(): SpamStats {
    const t = this.#repo.totals();
    const c = this.#repo.counts();
    const bytes = this.#repo.tableBytes();
    return {
      spam: t.spam,
      ham: t.ham,
      starterSpam: t.starterSpam,
      starterHam: t.starterHam,
      features: c.features,
      trainedMessages: c.docs,
      generation: t.generation,
      modelBytes: bytes?.tokens ?? null,
      docsBytes: bytes?.docs ?? null,
    };
  }

  /** 'all' forgets everything; 'starter' drops only the starter corpus's counts. */
  reset(scope: 'all' | 'starter' = 'all'): void {
    this.#repo.transaction(() => this.#repo.deleteAll(scope));
    this.#cache = null;
    this.#changed();
  }

  /** Runs one change in one transaction, then mirrors it in memory once it has committed. */
  #change(work: () => { deltas: Map<number, CountDelta>; totals: CountDelta } | null): void {
    const cache = this.#fresh();
    // Inside a caller's transaction our commit is only a savepoint: the caller may still roll
    // back, so the in-memory copy is rebuilt from SQLite afterwards instead of patched.
    let staleAfter = this.#db.inTransaction;
    const result = this.#repo.transaction(() => {
      const change = work();
      if (!change) return null;
      for (const [hash, d] of change.deltas) this.#repo.applyTokenDelta(hash, d);
      // Another process changed the model since we loaded it: reload rather than patch.
      const generation = this.#repo.applyTotalsDelta(change.totals, Date.now());
      staleAfter ||= generation !== cache.generation + 1;
      return change;
    });
    if (!result) return;
    if (staleAfter) {
      this.#cache = null;
    } else {
      for (const [hash, d] of result.deltas) cache.applyDelta(hash, d);
      cache.applyTotals(result.totals);
      cache.generation += 1;
    }
    this.#changed();
  }

  /**
   * The in-memory model, dropped when another connection moved the stored generation. The
   * generation is read on every classify, or when due (SpamFreshness): a PRAGMA data_version probe before it skipped the
   * read only when nothing at all was committed since, which never happens while mail is
   * ingested (every ticket is a commit), and the probe cost twice the read (bench:ingest profile).
   */
  #fresh(): ModelCache {
    if (this.#cache && this.#due()) {
      if (this.#repo.generation() !== this.#cache.generation) this.#cache = null;
    }
    this.#cache ??= this.#load();
    return this.#cache;
  }

  /** Whether the stored generation is to be read now (SpamFreshness). */
  #due(): boolean {
    if (this.#recheckMs === 0) return true;
    const now = performance.now();
    if (!this.#stale && now - this.#checkedAt < this.#recheckMs) return false;
    this.#stale = false;
    this.#checkedAt = now;
    return true;
  }

  #load(): ModelCache {
    this.#checkedAt = performance.now();
    this.#stale = false;
    const cache = new ModelCache();
    const { generation, ...totals } = this.#repo.totals();
    for (const [hash, counts] of this.#repo.allTokens()) cache.tokens.set(hash, counts);
    cache.totals = totals;
    cache.generation = generation;
    return cache;
  }
}

function addDoc(deltas: Map<number, CountDelta>, hashes: readonly number[], label: SpamLabel, sign: 1 | -1): void {
  for (const hash of hashes) {
    const d = deltas.get(hash) ?? zeroCounts();
    if (label === 'spam') d.spam += sign;
    else d.ham += sign;
    deltas.set(hash, d);
  }
}

function docTotals(removed: SpamLabel | undefined, added: SpamLabel | undefined): CountDelta {
  const d = zeroCounts();
  if (removed) d[removed] -= 1;
  if (added) d[added] += 1;
  return d;
}

/** The starter corpus's counts in one transaction: used in place, and by the counting process. */
export function writeStarterCounts(repo: SpamModelRepo, counts: StarterCounts, messages: { spam: number; ham: number }): void {
  repo.transaction(() => {
    for (const [hash, [spam, ham]] of counts) repo.applyTokenDelta(hash, { spam: 0, ham: 0, starterSpam: spam, starterHam: ham });
    repo.applyTotalsDelta({ spam: 0, ham: 0, starterSpam: messages.spam, starterHam: messages.ham }, Date.now());
  });
}
