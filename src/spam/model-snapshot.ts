// The spam model as one compact blob, for workers on other hosts (issue 17): the counts and
// totals read in one transaction, written as float64s and gzipped; and its import into a
// worker's own SQLite replica, which SpamFilter (and the analyse pool's threads) read as they
// read the store. The replica keeps the store's generation, so readers reload exactly when
// the store's model moved.
import { gzipSync, gunzipSync } from 'node:zlib';
import type Database from 'better-sqlite3';

const MAGIC = 0x1a7a4e01;
/** magic, generation, four totals, token count */
const HEADER = 7;
const PER_TOKEN = 5;

interface TokenRow {
  hash: number;
  spam: number;
  ham: number;
  starter_spam: number;
  starter_ham: number;
}

interface TotalsRow {
  spam: number;
  ham: number;
  starter_spam: number;
  starter_ham: number;
  generation: number;
}

export function storedGeneration(db: Database.Database): number {
  return (db.prepare('SELECT generation FROM spam_totals WHERE id = 1').pluck().get() as number | undefined) ?? 0;
}

/** The whole model at one generation, gzipped. */
export function exportModelSnapshot(db: Database.Database): { generation: number; blob: Buffer } {
  const read = db.transaction(() => {
    const totals = db.prepare('SELECT spam, ham, starter_spam, starter_ham, generation FROM spam_totals WHERE id = 1').get() as
      TotalsRow | undefined;
    if (!totals) throw new Error('spam_totals row is missing: migration 002-spam not applied');
    const tokens = db.prepare('SELECT hash, spam, ham, starter_spam, starter_ham FROM spam_tokens').all() as TokenRow[];
    return { totals, tokens };
  });
  const { totals, tokens } = read.deferred();
  const out = new Float64Array(HEADER + tokens.length * PER_TOKEN);
  out.set([MAGIC, totals.generation, totals.spam, totals.ham, totals.starter_spam, totals.starter_ham, tokens.length]);
  let at = HEADER;
  for (const t of tokens) {
    out[at++] = t.hash;
    out[at++] = t.spam;
    out[at++] = t.ham;
    out[at++] = t.starter_spam;
    out[at++] = t.starter_ham;
  }
  return { generation: totals.generation, blob: gzipSync(Buffer.from(out.buffer), { level: 1 }) };
}

/** Replaces the replica's model with the snapshot in one transaction; returns its generation. */
export function importModelSnapshot(db: Database.Database, blob: Buffer): number {
  const bytes = gunzipSync(blob);
  if (bytes.byteLength % 8 !== 0 || bytes.byteLength < HEADER * 8) throw new Error('the spam model snapshot is truncated');
  const data = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const [magic, generation, spam, ham, starterSpam, starterHam, count] = data;
  if (magic !== MAGIC || count === undefined || data.length !== HEADER + count * PER_TOKEN) {
    throw new Error('the spam model snapshot is not in the expected format');
  }
  const insert = db.prepare('INSERT INTO spam_tokens (hash, spam, ham, starter_spam, starter_ham) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    db.exec('DELETE FROM spam_tokens; DELETE FROM spam_docs;');
    for (let at = HEADER; at < data.length; at += PER_TOKEN) {
      insert.run(data[at], data[at + 1], data[at + 2], data[at + 3], data[at + 4]);
    }
    db.prepare(
      'UPDATE spam_totals SET spam = ?, ham = ?, starter_spam = ?, starter_ham = ?, generation = ?, updated_at = ? WHERE id = 1',
    ).run(spam, ham, starterSpam, starterHam, generation, Date.now());
  }).immediate();
  return generation as number;
}
