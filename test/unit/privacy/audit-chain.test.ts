import { describe, expect, it } from 'vitest';
import { GENESIS, pointMac, rowHash, verifyChain, type ChainHead, type ChainRow } from '../../../src/store/audit-chain.js';

const KEY = Buffer.alloc(32, 7);

function chain(n: number): { rows: ChainRow[]; head: ChainHead } {
  const rows: ChainRow[] = [];
  let prev = GENESIS;
  for (let id = 1; id <= n; id++) {
    const base = { id, at: 1_000 * id, actor: 'cli', action: `act.${id}`, subjectRef: null, detail: id % 2 ? '{"n":1}' : null };
    const hash = rowHash(KEY, prev, base);
    rows.push({ ...base, prevHash: prev, rowHash: hash });
    prev = hash;
  }
  const last = rows.at(-1) as ChainRow;
  const head = {
    headId: last.id,
    headHash: last.rowHash as string,
    headMac: pointMac(KEY, 'head', last.id, last.rowHash as string),
    anchorId: 0,
    anchorHash: '',
    anchorMac: '',
  };
  return { rows, head };
}

describe('verifyChain()', () => {
  it('verifyChain(): when no row was touched, finds no problem', () => {
    const { rows, head } = chain(5);
    expect(verifyChain(KEY, rows, head)).toEqual([]);
  });

  it('verifyChain(): when a row was edited, names that row', () => {
    const { rows, head } = chain(5);
    rows[2] = { ...(rows[2] as ChainRow), actor: 'admin:9' };
    expect(verifyChain(KEY, rows, head)).toEqual([{ kind: 'edited', id: 3 }]);
  });

  it('verifyChain(): when a middle row was deleted, names the row after the gap', () => {
    const { rows, head } = chain(5);
    rows.splice(1, 1);
    expect(verifyChain(KEY, rows, head)).toEqual([{ kind: 'missing_before', id: 3 }]);
  });

  it('verifyChain(): when the last row was deleted, says rows were removed from the end', () => {
    const { rows, head } = chain(5);
    rows.pop();
    expect(verifyChain(KEY, rows, head)).toEqual([{ kind: 'tail_removed', lastId: 4, headId: 5 }]);
  });

  it('verifyChain(): when the head was moved back without the key, says the head was forged', () => {
    const { rows, head } = chain(5);
    rows.pop();
    const prev = rows.at(-1) as ChainRow;
    expect(verifyChain(KEY, rows, { ...head, headId: prev.id, headHash: prev.rowHash as string })).toEqual([{ kind: 'head_forged' }]);
  });

  it('verifyChain(): when the first rows were purged with an anchor, accepts the rest; without the anchor, names the gap', () => {
    const { rows, head } = chain(5);
    const purged = rows.splice(0, 2);
    const last = purged.at(-1) as ChainRow;
    const anchored = {
      ...head,
      anchorId: last.id,
      anchorHash: last.rowHash as string,
      anchorMac: pointMac(KEY, 'anchor', last.id, last.rowHash as string),
    };
    expect(verifyChain(KEY, rows, anchored)).toEqual([]);
    expect(verifyChain(KEY, rows, head)).toEqual([{ kind: 'missing_before', id: 3 }]);
  });

  it('verifyChain(): when a row was re-hashed with another key, says it was edited', () => {
    const { rows, head } = chain(3);
    const r = rows[1] as ChainRow;
    rows[1] = { ...r, detail: '{"n":2}', rowHash: rowHash(Buffer.alloc(32, 1), r.prevHash as string, { ...r, detail: '{"n":2}' }) };
    expect(verifyChain(KEY, rows, head).map((p) => p.kind)).toContain('edited');
  });
});
