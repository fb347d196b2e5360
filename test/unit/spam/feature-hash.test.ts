import { describe, expect, it } from 'vitest';
import { hashFeature, packHashes, unpackHashes } from '../../../src/spam/feature-hash.js';

describe('feature hashing', () => {
  it('hashFeature(): matches FNV-1a 32-bit reference values', () => {
    expect(hashFeature('')).toBe(0x811c9dc5);
    expect(hashFeature('a')).toBe(0xe40c292c);
    expect(hashFeature('foobar')).toBe(0xbf9cf968);
  });

  it('packHashes(): dedupes and sorts, and unpackHashes() reverses it', () => {
    const packed = packHashes([7, 0xffffffff, 7, 1]);
    expect(packed.length).toBe(12);
    expect(unpackHashes(packed)).toEqual([1, 7, 0xffffffff]);
  });
});
