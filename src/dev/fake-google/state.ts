// Everything one fake server instance holds, handed to each route module.
import { Mailbox } from './mailbox-state.js';
import type { FakeClock } from './clock.js';
import type { Faults } from './faults.js';
import type { FakePush } from './push.js';
import type { FakeQuota } from './quota.js';
import type { TokenStore } from './token-store.js';

export interface FakeState {
  store: TokenStore;
  mailboxes: Map<string, Mailbox>;
  quota: FakeQuota;
  quotaExceededStatus: 429 | 403;
  latencyMs: number;
  faults: Faults;
  accessTtlSeconds: number;
  historyRetention: number;
  revokeDown: boolean;
  clock: FakeClock;
  push: FakePush;
  /** How long a users.watch lasts (Gmail: 7 days). */
  watchTtlMs: number;
}

export function mailboxFor(s: FakeState, email: string): Mailbox | undefined {
  return s.mailboxes.get(email.toLowerCase());
}

/** Adds the user and their mailbox if missing; the address keeps its first spelling. */
export function ensureUser(s: FakeState, email: string, name?: string): Mailbox {
  s.store.addUser(email, name);
  const key = email.toLowerCase();
  let box = s.mailboxes.get(key);
  if (!box) {
    box = new Mailbox(email, s.historyRetention, (b, r) => s.push.onChange(b, r));
    s.mailboxes.set(key, box);
  }
  return box;
}
