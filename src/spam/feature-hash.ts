// Features are stored as 32-bit FNV-1a hashes: a fixed 4 bytes a feature in the counts
// table and in each trained message's memory. At ~200k features a handful collide, which
// moves no verdict; the strings themselves are still at hand when explaining a verdict.

export function hashFeature(feature: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < feature.length; i++) {
    h ^= feature.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Sorted unique hashes, packed little-endian for a BLOB column. */
export function packHashes(hashes: Iterable<number>): Buffer {
  const sorted = Uint32Array.from(new Set(hashes)).sort();
  const buf = Buffer.alloc(sorted.length * 4);
  sorted.forEach((h, i) => buf.writeUInt32LE(h, i * 4));
  return buf;
}

export function unpackHashes(buf: Buffer): number[] {
  const out: number[] = new Array<number>(buf.length >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = buf.readUInt32LE(i * 4);
  return out;
}
