// The spam model's trip to a remote worker: exported from the store in one transaction,
// imported into the worker's replica, classifying exactly as the store does at the same
// generation; a filter already reading the replica reloads; a damaged snapshot changes nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { SpamFilter } from '../../../src/spam/spam-filter.js';
import { defaultSpamOptions } from '../../../src/spam/spam-options.js';
import { exportModelSnapshot, importModelSnapshot, storedGeneration } from '../../../src/spam/model-snapshot.js';
import { tempDb, type TempDb } from '../spam/spam-db.js';

const dbs: TempDb[] = [];
afterEach(() => {
  for (const d of dbs.splice(0)) d.close();
});
const open = () => {
  const d = tempDb();
  dbs.push(d);
  return d;
};

/** Seeded feature sets: 300 documents over a 2,000-word vocabulary, spam words skewed high. */
function documents(seed: number, count: number): { features: string[]; label: 'spam' | 'ham' }[] {
  let a = seed;
  const random = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  return Array.from({ length: count }, (_, i) => {
    const label = i % 3 === 0 ? 'spam' : 'ham';
    const features = Array.from(
      { length: 20 },
      () => `w:${Math.floor(random() * 1000) + (label === 'spam' ? 1000 : 0) * Math.round(random())}`,
    );
    return { features: [...new Set(features)], label };
  });
}

describe('spam model snapshot', () => {
  it('the replica classifies every probe exactly as the store, at the same generation', () => {
    const store = open();
    const replica = open();
    const filter = new SpamFilter(store.db, defaultSpamOptions());
    for (const [i, d] of documents(7, 300).entries()) filter.learnFeatures(`doc-${i}`, d.features, d.label);
    const { generation, blob } = exportModelSnapshot(store.db);
    expect(generation).toBe(storedGeneration(store.db));
    expect(importModelSnapshot(replica.db, blob)).toBe(generation);
    expect(storedGeneration(replica.db)).toBe(generation);
    const copy = new SpamFilter(replica.db, defaultSpamOptions());
    const probes = documents(99, 100);
    for (const p of probes) expect(copy.classifyFeatures(p.features)).toEqual(filter.classifyFeatures(p.features));
    // The replica holds counts only: what each message was trained as stays on the store.
    expect(copy.stats().trainedMessages).toBe(0);
    expect(copy.stats().features).toBe(filter.stats().features);
  });

  it('a filter already reading the replica (on its own connection, as the analyse threads do) reloads when a newer snapshot lands', () => {
    const store = open();
    const replica = open();
    const filter = new SpamFilter(store.db, defaultSpamOptions());
    const docs = documents(3, 200);
    for (const [i, d] of docs.slice(0, 100).entries()) filter.learnFeatures(`doc-${i}`, d.features, d.label);
    importModelSnapshot(replica.db, exportModelSnapshot(store.db).blob);
    const reader = new Database(replica.file, { readonly: true });
    const copy = new SpamFilter(reader, defaultSpamOptions());
    const probe = docs[150]?.features ?? [];
    const before = copy.classifyFeatures(probe);
    for (const [i, d] of docs.slice(100).entries()) filter.learnFeatures(`doc-${100 + i}`, d.features, d.label);
    importModelSnapshot(replica.db, exportModelSnapshot(store.db).blob);
    const after = copy.classifyFeatures(probe);
    expect(after).toEqual(filter.classifyFeatures(probe));
    expect(after.score).not.toBe(before.score);
    reader.close();
  });

  it('refuses a damaged or foreign snapshot and leaves the replica as it was', () => {
    const store = open();
    const replica = open();
    const filter = new SpamFilter(store.db, defaultSpamOptions());
    for (const [i, d] of documents(5, 50).entries()) filter.learnFeatures(`doc-${i}`, d.features, d.label);
    const { blob } = exportModelSnapshot(store.db);
    importModelSnapshot(replica.db, blob);
    const generation = storedGeneration(replica.db);
    expect(() => importModelSnapshot(replica.db, blob.subarray(0, blob.length - 9))).toThrow();
    expect(() => importModelSnapshot(replica.db, gzipSync(Buffer.alloc(64, 1)))).toThrow(/not in the expected format/);
    expect(() => importModelSnapshot(replica.db, gzipSync(Buffer.alloc(13)))).toThrow(/truncated/);
    expect(storedGeneration(replica.db)).toBe(generation);
    expect(new SpamFilter(replica.db, defaultSpamOptions()).stats().features).toBe(filter.stats().features);
  });
});
