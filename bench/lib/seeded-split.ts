// A repeatable stratified split: each class shuffled with a seeded PRNG (mulberry32), the
// first 80% to training. Same seed, same split, on every machine and every run.

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function stratifiedSplit<T>(
  items: readonly T[],
  classOf: (t: T) => string,
  trainShare: number,
  seed: number,
): { train: T[]; test: T[] } {
  const random = mulberry32(seed);
  const byClass = new Map<string, T[]>();
  for (const item of items) byClass.set(classOf(item), [...(byClass.get(classOf(item)) ?? []), item]);
  const train: T[] = [];
  const test: T[] = [];
  for (const key of [...byClass.keys()].sort()) {
    const all = shuffled(byClass.get(key)!, random);
    const cut = Math.round(all.length * trainShare);
    train.push(...all.slice(0, cut));
    test.push(...all.slice(cut));
  }
  return { train: shuffled(train, random), test: shuffled(test, random) };
}

/** A stratified sample of `size` items (the same seed gives the same sample). */
export function stratifiedSample<T>(items: readonly T[], classOf: (t: T) => string, size: number, seed: number): T[] {
  if (size >= items.length) return [...items];
  return stratifiedSplit(items, classOf, size / items.length, seed).train;
}
