import { describe, expect, it } from 'vitest';
import { ownerIsGone, type OwnerCheck } from '../../../src/queue/embedded-owner.js';

const check = (over: Partial<OwnerCheck> = {}): OwnerCheck => ({
  now: 100_000,
  host: 'h1',
  pid: 10,
  staleMs: 30_000,
  isAlive: () => true,
  heldHere: () => false,
  ...over,
});
const row = (over: Partial<{ owner: string; host: string; pid: number; heartbeat_at: number }> = {}) => ({
  owner: 'o',
  host: 'h1',
  pid: 20,
  heartbeat_at: 99_000,
  ...over,
});

describe('ownerIsGone()', () => {
  it('when the owner runs on this host and its pid is alive, refuses', () => {
    expect(ownerIsGone(row(), check())).toBe(false);
  });
  it('when the owner ran on this host and its pid is dead (SIGKILL), takes over', () => {
    expect(ownerIsGone(row(), check({ isAlive: () => false }))).toBe(true);
  });
  it('when the owner had this very pid (a container restart), takes over', () => {
    expect(ownerIsGone(row({ pid: 10 }), check())).toBe(true);
  });
  it('when the owner is held by this process already (a second daemon in-process), refuses', () => {
    expect(ownerIsGone(row({ pid: 10 }), check({ heldHere: () => true }))).toBe(false);
  });
  it('when the owner is on another host, refuses while its heartbeat is fresh and takes over once stale', () => {
    expect(ownerIsGone(row({ host: 'h2' }), check())).toBe(false);
    expect(ownerIsGone(row({ host: 'h2', heartbeat_at: 60_000 }), check())).toBe(true);
  });
});
