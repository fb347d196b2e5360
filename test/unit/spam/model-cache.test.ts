import { describe, expect, it } from 'vitest';
import { HashCountTable, ModelCache } from '../../../src/spam/model-cache.js';

describe('HashCountTable', () => {
  it('HashCountTable: when filled past its first capacity, still returns every count it was given', () => {
    const table = new HashCountTable();
    for (let i = 0; i < 5000; i++) table.set((i * 2654435761) >>> 0, { spam: i, ham: 1, starterSpam: 0, starterHam: 2 });
    expect(table.size).toBe(5000);
    for (let i = 0; i < 5000; i += 97)
      expect(table.get((i * 2654435761) >>> 0)).toEqual({ spam: i, ham: 1, starterSpam: 0, starterHam: 2 });
    expect(table.get(7)).toBeUndefined();
  });

  it('HashCountTable: when hash 0 is stored, finds it (0 is a valid FNV hash, not an empty mark)', () => {
    const table = new HashCountTable();
    table.set(0, { spam: 1, ham: 0, starterSpam: 0, starterHam: 0 });
    expect(table.get(0)?.spam).toBe(1);
  });
});

describe('ModelCache', () => {
  it('ModelCache.applyDelta(): when counts fall to zero, the feature reads as absent; they never go negative', () => {
    const cache = new ModelCache();
    cache.applyDelta(42, { spam: 1, ham: 0, starterSpam: 0, starterHam: 0 });
    cache.applyDelta(42, { spam: -2, ham: 0, starterSpam: 0, starterHam: 0 });
    expect(cache.tokens.get(42)).toBeUndefined();
    cache.applyDelta(42, { spam: 0, ham: 1, starterSpam: 0, starterHam: 0 });
    expect(cache.tokens.get(42)).toEqual({ spam: 0, ham: 1, starterSpam: 0, starterHam: 0 });
  });
});
