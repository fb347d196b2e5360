// 10,000 seeded MIME variants (random structure, charsets, encodings, then truncation, byte
// flips or a junk prefix) through the real ingest pipeline on a real SQLite file: each must
// land as exactly one ticket, quarantine or poison entry, and ingest must never throw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzVariant } from '../../helpers/hostile-mail.js';
import { openHarness, type Harness } from '../../helpers/ingest-harness.js';

const VARIANTS = 10_000;
const SEED = 0x13_2026;

describe('ingest of generated MIME variants', () => {
  let h: Harness;
  beforeAll(() => {
    h = openHarness({ workerThreads: 0 });
  });
  afterAll(async () => {
    await h.close();
  });

  it(`ingestMessage(): on ${VARIANTS} seeded MIME variants, never throws and lands every one somewhere`, async () => {
    const thrown: string[] = [];
    const unlanded: number[] = [];
    for (let i = 0; i < VARIANTS; i++) {
      const id = `fuzz-${i}`;
      try {
        const result = await h.ingest(id, fuzzVariant(SEED + i));
        if (result.outcome === 'skipped' || result.outcome === 'mailbox_gone') unlanded.push(i);
      } catch (err) {
        thrown.push(`seed ${SEED + i}: ${(err as Error).name}: ${(err as Error).message}`);
      }
      if (h.landedAs(id) === null) unlanded.push(i);
    }
    expect(thrown).toEqual([]);
    expect(unlanded).toEqual([]);
    const counted = h.db
      .prepare(`SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM quarantine) + (SELECT COUNT(*) FROM poison_messages) AS n`)
      .get() as { n: number };
    expect(counted.n).toBe(VARIANTS);
  }, 600_000);
});
