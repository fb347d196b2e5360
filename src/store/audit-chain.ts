// The audit log's hash chain, as pure functions: the keyed hash of one row (bound to the
// hash before it), the MACs over the chain's head and retention anchor, and the check
// that walks the rows and names the first place the chain breaks.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const GENESIS = 'genesis';

export interface ChainRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  subjectRef: string | null;
  detail: string | null;
  prevHash: string | null;
  rowHash: string | null;
}

export interface ChainHead {
  headId: number;
  headHash: string;
  headMac: string;
  anchorId: number;
  anchorHash: string;
  anchorMac: string;
}

export type ChainProblem =
  | { kind: 'edited'; id: number }
  | { kind: 'missing_before'; id: number }
  | { kind: 'unsealed'; id: number }
  | { kind: 'tail_removed'; lastId: number; headId: number }
  | { kind: 'anchor_forged' }
  | { kind: 'head_forged' };

export function rowHash(key: Buffer, prevHash: string, r: Omit<ChainRow, 'prevHash' | 'rowHash'>): string {
  const canonical = JSON.stringify([r.id, r.at, r.actor, r.action, r.subjectRef, r.detail]);
  return createHmac('sha256', key).update(`row\n${prevHash}\n${canonical}`).digest('hex');
}

export function pointMac(key: Buffer, kind: 'head' | 'anchor', id: number, hash: string): string {
  return createHmac('sha256', key).update(`${kind}\n${id}\n${hash}`).digest('hex');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Walks rows in id order; every problem found, in order (an empty list is an intact chain). */
export function verifyChain(key: Buffer, rows: Iterable<ChainRow>, head: ChainHead): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const anchored = head.anchorId > 0;
  if (anchored && !same(head.anchorMac, pointMac(key, 'anchor', head.anchorId, head.anchorHash))) problems.push({ kind: 'anchor_forged' });
  let expectedPrev = anchored ? head.anchorHash : GENESIS;
  let lastId = 0;
  let lastHash = '';
  for (const r of rows) {
    if (r.rowHash === null || r.prevHash === null) {
      problems.push({ kind: 'unsealed', id: r.id });
      continue;
    }
    if (!same(r.prevHash, expectedPrev)) problems.push({ kind: 'missing_before', id: r.id });
    if (!same(r.rowHash, rowHash(key, r.prevHash, r))) problems.push({ kind: 'edited', id: r.id });
    expectedPrev = r.rowHash;
    lastId = r.id;
    lastHash = r.rowHash;
  }
  if (head.headId > 0 || lastId > 0) {
    if (!same(head.headMac, pointMac(key, 'head', head.headId, head.headHash))) problems.push({ kind: 'head_forged' });
    else if (head.headId !== lastId || !same(head.headHash, lastHash)) problems.push({ kind: 'tail_removed', lastId, headId: head.headId });
  }
  return problems;
}

export function describeProblem(p: ChainProblem): string {
  switch (p.kind) {
    case 'edited':
      return `row ${p.id} was changed after it was written`;
    case 'missing_before':
      return `one or more rows before row ${p.id} were removed (or row ${p.id} was moved)`;
    case 'unsealed':
      return `row ${p.id} carries no chain hash: it was inserted outside Intake`;
    case 'tail_removed':
      return `the chain's head names row ${p.headId} but the last row is ${p.lastId}: rows were removed from the end`;
    case 'anchor_forged':
      return 'the retention anchor was changed outside Intake';
    case 'head_forged':
      return "the chain's head was changed outside Intake";
  }
}
