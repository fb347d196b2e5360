// The audit log: who did what to which object, hash-chained (store/audit-chain.ts) so a row
// removed or edited behind Intake's back is detected. Personal data is never written here:
// the subject is an id or a keyed hash of an address, so erasure does not have to touch it.
import type { Db } from './database.js';
import { GENESIS, pointMac, rowHash, verifyChain, type ChainHead, type ChainProblem, type ChainRow } from './audit-chain.js';

export interface AuditEntry {
  actor: string;
  action: string;
  subjectRef?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditView {
  id: number;
  at: string;
  actor: string;
  action: string;
  subjectRef: string | null;
  detail: unknown;
}

interface Row {
  id: number;
  at: number;
  actor: string;
  action: string;
  subject_ref: string | null;
  detail: string | null;
  prev_hash: string | null;
  row_hash: string | null;
}

const toChainRow = (r: Row): ChainRow => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  subjectRef: r.subject_ref,
  detail: r.detail,
  prevHash: r.prev_hash,
  rowHash: r.row_hash,
});

const toView = (r: Row): AuditView => ({
  id: r.id,
  at: new Date(r.at).toISOString(),
  actor: r.actor,
  action: r.action,
  subjectRef: r.subject_ref,
  detail: r.detail ? (JSON.parse(r.detail) as unknown) : null,
});

export class AuditRepo {
  private readonly db: Db;
  private readonly key: Buffer;
  private readonly now: () => number;

  /** `chainKey` is derived from the installation's MAC root (crypto/), never stored. */
  constructor(db: Db, chainKey: Buffer, now: () => number = Date.now) {
    this.db = db;
    this.key = chainKey;
    this.now = now;
    this.db.prepare('INSERT OR IGNORE INTO audit_chain (id) VALUES (1)').run();
    this.sealUnchained();
  }

  /** Appends one row; read-head, insert and move-head in one IMMEDIATE transaction, so writers in several processes chain in turn. */
  record(entry: AuditEntry): number {
    const write = () => {
      const head = this.head();
      const prev = head.headId > 0 ? head.headHash : head.anchorId > 0 ? head.anchorHash : GENESIS;
      const at = this.now();
      const detail = entry.detail ? JSON.stringify(entry.detail) : null;
      const subjectRef = entry.subjectRef ?? null;
      const info = this.db
        .prepare('INSERT INTO audit_log (at, actor, action, subject_ref, detail, prev_hash) VALUES (?, ?, ?, ?, ?, ?)')
        .run(at, entry.actor, entry.action, subjectRef, detail, prev);
      const id = Number(info.lastInsertRowid);
      const hash = rowHash(this.key, prev, { id, at, actor: entry.actor, action: entry.action, subjectRef, detail });
      this.db.prepare('UPDATE audit_log SET row_hash = ? WHERE id = ?').run(hash, id);
      this.moveHead(id, hash);
      return id;
    };
    return this.db.inTransaction ? write() : this.db.transaction(write).immediate();
  }

  /** Newest first; `before` is the id the previous page ended at. */
  page(opts: { limit: number; before?: number; action?: string; subjectRef?: string }): AuditView[] {
    return this.db
      .prepare<[{ before: number; action: string | null; subject: string | null; limit: number }], Row>(
        `SELECT * FROM audit_log WHERE id < @before AND (@action IS NULL OR action = @action)
         AND (@subject IS NULL OR subject_ref = @subject) ORDER BY id DESC LIMIT @limit`,
      )
      .all({
        before: opts.before ?? Number.MAX_SAFE_INTEGER,
        action: opts.action ?? null,
        subject: opts.subjectRef ?? null,
        limit: opts.limit,
      })
      .map(toView);
  }

  recent(limit: number): AuditView[] {
    return this.page({ limit });
  }

  /** Entries whose subject is one of `refs` (a person's keyed hash, their tickets and messages). */
  about(refs: readonly string[]): AuditView[] {
    if (refs.length === 0) return [];
    const out: AuditView[] = [];
    const stmt = this.db.prepare<[string], Row>('SELECT * FROM audit_log WHERE subject_ref = ? ORDER BY id');
    for (const ref of new Set(refs)) out.push(...stmt.all(ref).map(toView));
    return out.sort((a, b) => a.id - b.id);
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM audit_log').get()?.n ?? 0;
  }

  verify(): { rows: number; problems: ChainProblem[] } {
    let rows = 0;
    const iterate = function* (it: Iterable<Row>) {
      for (const r of it) {
        rows++;
        yield toChainRow(r);
      }
    };
    const problems = verifyChain(this.key, iterate(this.db.prepare<[], Row>('SELECT * FROM audit_log ORDER BY id').iterate()), this.head());
    return { rows, problems };
  }

  countOlderThan(cutoff: number): number {
    return this.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM audit_log WHERE at < ?').get(cutoff)?.n ?? 0;
  }

  /**
   * Retention: removes rows written before `cutoff` from the start of the chain only (a newer
   * row with an older time stops it), and anchors the chain at the last removed row's hash.
   */
  purgeOlderThan(cutoff: number): number {
    const purge = () => {
      const firstKept = this.db.prepare<[number], { id: number }>('SELECT MIN(id) AS id FROM audit_log WHERE at >= ?').get(cutoff)?.id;
      const limit = firstKept ?? Number.MAX_SAFE_INTEGER;
      const last = this.db
        .prepare<[number], { id: number; row_hash: string | null }>(
          'SELECT id, row_hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1',
        )
        .get(limit);
      if (!last?.row_hash) return 0;
      const removed = this.db.prepare('DELETE FROM audit_log WHERE id <= ?').run(last.id).changes;
      this.db
        .prepare('UPDATE audit_chain SET anchor_id = ?, anchor_hash = ?, anchor_mac = ?, updated_at = ? WHERE id = 1')
        .run(last.id, last.row_hash, pointMac(this.key, 'anchor', last.id, last.row_hash), this.now());
      return removed;
    };
    return this.db.inTransaction ? purge() : this.db.transaction(purge).immediate();
  }

  private head(): ChainHead {
    const r = this.db
      .prepare<[], { head_id: number; head_hash: string; head_mac: string; anchor_id: number; anchor_hash: string; anchor_mac: string }>(
        'SELECT head_id, head_hash, head_mac, anchor_id, anchor_hash, anchor_mac FROM audit_chain WHERE id = 1',
      )
      .get();
    return {
      headId: r?.head_id ?? 0,
      headHash: r?.head_hash ?? '',
      headMac: r?.head_mac ?? '',
      anchorId: r?.anchor_id ?? 0,
      anchorHash: r?.anchor_hash ?? '',
      anchorMac: r?.anchor_mac ?? '',
    };
  }

  private moveHead(id: number, hash: string): void {
    this.db
      .prepare('UPDATE audit_chain SET head_id = ?, head_hash = ?, head_mac = ?, updated_at = ? WHERE id = 1')
      .run(id, hash, pointMac(this.key, 'head', id, hash), this.now());
  }

  /** Rows written before the chain existed (migration 011) are sealed once, in id order. */
  private sealUnchained(): void {
    const first = this.db.prepare<[], { id: number }>('SELECT id FROM audit_log WHERE row_hash IS NULL ORDER BY id LIMIT 1').get();
    // Only rows older than the chain: once it has a head, an unsealed row was inserted behind
    // Intake's back and must stay visible to verify().
    if (!first || this.head().headId > 0 || this.head().anchorId > 0) return;
    this.db
      .transaction(() => {
        let prev = this.head().headHash || GENESIS;
        for (const r of this.db.prepare<[], Row>('SELECT * FROM audit_log WHERE row_hash IS NULL ORDER BY id').all()) {
          const hash = rowHash(this.key, prev, toChainRow(r));
          this.db.prepare('UPDATE audit_log SET prev_hash = ?, row_hash = ? WHERE id = ?').run(prev, hash, r.id);
          this.moveHead(r.id, hash);
          prev = hash;
        }
      })
      .immediate();
  }
}
