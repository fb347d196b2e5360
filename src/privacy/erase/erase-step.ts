// What one step of an erasure is: a table family that counts, then deletes (or redacts),
// what references the data subject. The targets are chosen once (erase-targets.ts) into
// temporary tables, so every step reads the same set inside one transaction.
import type { Db } from '../../store/database.js';

export type EraseScope = 'tickets' | 'messages';

export interface EraseContext {
  db: Db;
  /** The address, trimmed and lower-cased. */
  email: string;
  scope: EraseScope;
  /** Forgets what the spam model learned from one message (review/ owns the model's doc keys). */
  unlearn: (docKey: string) => boolean;
}

/**
 * A step names its count (a receipt key, e.g. "messages"), counts without changing anything
 * (dry run) and applies. Temp tables `erase_ticket`, `erase_message`, `erase_quarantine`
 * (one `id` column each) hold the targets.
 */
export interface EraseStep {
  name: string;
  count(ctx: EraseContext): number;
  apply(ctx: EraseContext): number;
}

export function countOf(db: Db, sql: string, ...params: unknown[]): number {
  return db.prepare<unknown[], { n: number }>(sql).get(...params)?.n ?? 0;
}
