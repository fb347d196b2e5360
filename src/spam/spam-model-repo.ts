// SQLite access for the spam model (tables from migrations/002-spam.sql): prepared once,
// thin on purpose. Counting rules live in spam-filter.ts and bayes.ts.
import type Database from 'better-sqlite3';
import type { CountDelta, StoredCounts } from './model-cache.js';

export interface DocRow {
  label: 'spam' | 'ham';
  features: Buffer;
}

interface TokenRow {
  hash: number;
  spam: number;
  ham: number;
  starter_spam: number;
  starter_ham: number;
}

// Update first, insert only when absent: an upsert's `excluded` row would carry the clamped
// insert values, turning a -1 delta into 0.
const UPDATE_TOKEN = `UPDATE spam_tokens SET spam = MAX(0, spam + @spam), ham = MAX(0, ham + @ham),
    starter_spam = MAX(0, starter_spam + @starterSpam), starter_ham = MAX(0, starter_ham + @starterHam)
  WHERE hash = @hash`;

const INSERT_TOKEN = `INSERT INTO spam_tokens (hash, spam, ham, starter_spam, starter_ham)
  VALUES (@hash, MAX(0, @spam), MAX(0, @ham), MAX(0, @starterSpam), MAX(0, @starterHam))`;

const BUMP_TOTALS = `UPDATE spam_totals SET spam = MAX(0, spam + @spam), ham = MAX(0, ham + @ham),
    starter_spam = MAX(0, starter_spam + @starterSpam), starter_ham = MAX(0, starter_ham + @starterHam),
    generation = generation + 1, updated_at = @now
  WHERE id = 1 RETURNING generation`;

export class SpamModelRepo {
  readonly #db: Database.Database;
  readonly #getDoc: Database.Statement<[string], DocRow>;
  readonly #putDoc: Database.Statement<[string, string, Buffer, number]>;
  readonly #deleteDoc: Database.Statement<[string]>;
  readonly #updateToken: Database.Statement<[{ hash: number } & CountDelta]>;
  readonly #insertToken: Database.Statement<[{ hash: number } & CountDelta]>;
  readonly #deleteIfEmpty: Database.Statement<[number]>;
  readonly #bumpTotals: Database.Statement<[CountDelta & { now: number }], number>;
  readonly #totals: Database.Statement<[], TokenRow & { generation: number }>;
  readonly #allTokens: Database.Statement<[], TokenRow>;
  readonly #generation: Database.Statement<[], number>;
  readonly #counts: Database.Statement<[], { features: number; docs: number }>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#getDoc = db.prepare('SELECT label, features FROM spam_docs WHERE doc_key = ?');
    this.#putDoc = db.prepare(`INSERT INTO spam_docs (doc_key, label, features, learned_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (doc_key) DO UPDATE SET label = excluded.label, features = excluded.features, learned_at = excluded.learned_at`);
    this.#deleteDoc = db.prepare('DELETE FROM spam_docs WHERE doc_key = ?');
    this.#updateToken = db.prepare(UPDATE_TOKEN);
    this.#insertToken = db.prepare(INSERT_TOKEN);
    this.#deleteIfEmpty = db.prepare(
      'DELETE FROM spam_tokens WHERE hash = ? AND spam = 0 AND ham = 0 AND starter_spam = 0 AND starter_ham = 0',
    );
    this.#bumpTotals = db.prepare<[CountDelta & { now: number }], number>(BUMP_TOTALS).pluck();
    this.#totals = db.prepare('SELECT spam, ham, starter_spam, starter_ham, generation FROM spam_totals WHERE id = 1');
    this.#allTokens = db.prepare('SELECT hash, spam, ham, starter_spam, starter_ham FROM spam_tokens');
    this.#generation = db.prepare<[], number>('SELECT generation FROM spam_totals WHERE id = 1').pluck();
    this.#counts = db.prepare('SELECT (SELECT COUNT(*) FROM spam_tokens) AS features, (SELECT COUNT(*) FROM spam_docs) AS docs');
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  getDoc(docKey: string): DocRow | undefined {
    return this.#getDoc.get(docKey);
  }

  putDoc(docKey: string, label: 'spam' | 'ham', features: Buffer, now: number): void {
    this.#putDoc.run(docKey, label, features, now);
  }

  deleteDoc(docKey: string): void {
    this.#deleteDoc.run(docKey);
  }

  applyTokenDelta(hash: number, d: CountDelta): void {
    const params = { hash, spam: d.spam, ham: d.ham, starterSpam: d.starterSpam, starterHam: d.starterHam };
    const grows = d.spam > 0 || d.ham > 0 || d.starterSpam > 0 || d.starterHam > 0;
    if (this.#updateToken.run(params).changes === 0) {
      if (grows) this.#insertToken.run(params);
    } else if (d.spam < 0 || d.ham < 0 || d.starterSpam < 0 || d.starterHam < 0) {
      this.#deleteIfEmpty.run(hash);
    }
  }

  /** Applies a totals delta and returns the new generation. */
  applyTotalsDelta(d: CountDelta, now: number): number {
    const generation = this.#bumpTotals.get({ ...d, now });
    if (generation === undefined) throw new Error('spam_totals row is missing: migration 002-spam not applied');
    return generation;
  }

  totals(): StoredCounts & { generation: number } {
    const r = this.#totals.get();
    if (!r) throw new Error('spam_totals row is missing: migration 002-spam not applied');
    return { spam: r.spam, ham: r.ham, starterSpam: r.starter_spam, starterHam: r.starter_ham, generation: r.generation };
  }

  *allTokens(): Generator<[number, StoredCounts]> {
    for (const r of this.#allTokens.iterate()) {
      yield [r.hash, { spam: r.spam, ham: r.ham, starterSpam: r.starter_spam, starterHam: r.starter_ham }];
    }
  }

  generation(): number {
    return this.#generation.get() ?? 0;
  }

  counts(): { features: number; docs: number } {
    return this.#counts.get() ?? { features: 0, docs: 0 };
  }

  /** Bytes the spam tables take on disk, when SQLite was built with dbstat (better-sqlite3 is). */
  tableBytes(): Record<'tokens' | 'docs', number> | null {
    try {
      const rows = this.#db
        .prepare<[], { name: string; bytes: number }>(
          `SELECT name, SUM(pgsize) AS bytes FROM dbstat WHERE name IN ('spam_tokens', 'spam_docs', 'sqlite_autoindex_spam_docs_1') GROUP BY name`,
        )
        .all();
      const of = (n: string): number => rows.find((r) => r.name === n)?.bytes ?? 0;
      return { tokens: of('spam_tokens'), docs: of('spam_docs') + of('sqlite_autoindex_spam_docs_1') };
    } catch {
      return null;
    }
  }

  deleteAll(scope: 'all' | 'starter'): void {
    if (scope === 'all') {
      this.#db.exec('DELETE FROM spam_tokens; DELETE FROM spam_docs;');
      this.#db.exec('UPDATE spam_totals SET spam = 0, ham = 0, starter_spam = 0, starter_ham = 0');
    } else {
      this.#db.exec('UPDATE spam_tokens SET starter_spam = 0, starter_ham = 0');
      this.#db.exec('DELETE FROM spam_tokens WHERE spam = 0 AND ham = 0');
      this.#db.exec('UPDATE spam_totals SET starter_spam = 0, starter_ham = 0');
    }
    this.#db.prepare('UPDATE spam_totals SET generation = generation + 1, updated_at = ? WHERE id = 1').run(Date.now());
  }
}
