// Refresh tokens that stop working the ways Google documents, on the fake's clock: a client in
// Testing mode (7 days after consent), a token unused for six months, and a password change
// (tokens with Gmail scopes). In each case the mailbox pauses as needs_reconsent, stops calling
// Google (no hot loop on the token endpoint), and a reconnect brings the mail that waited.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT, type FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon, closeAfterEach } from '../../helpers/test-daemon.js';
import { simpleMail } from '../../helpers/simple-mail.js';

const DAY = 24 * 3600_000;
const MAILBOX = 'expiry@example.com';

let fake: FakeGoogle | undefined;
let t: TestDaemon | undefined;
closeAfterEach(() => ({ t, fake }));

function count(sql: string): number {
  return (t?.daemon.db.prepare(sql).get() as { n: number }).n;
}

const state = () => (t?.daemon.db.prepare('SELECT state FROM mailboxes').get() as { state: string } | undefined)?.state;

async function connectedWithOneTicket(publishingStatus: 'production' | 'testing'): Promise<{ fake: FakeGoogle; t: TestDaemon }> {
  // Access tokens live 1 s, so every sync pass goes back to the token endpoint with the refresh token.
  fake = await startTestFake({ clients: [{ ...DEFAULT_CLIENT, publishingStatus }], accessTokenTtlSeconds: 1 });
  fake.deliver(MAILBOX, simpleMail(1, MAILBOX));
  t = await startTestDaemon(fake);
  expect(await t.connect(MAILBOX)).toBe(200);
  await waitFor(
    () => count('SELECT COUNT(*) AS n FROM tickets'),
    (n) => n === 1,
  );
  return { fake, t };
}

async function expectPausedWithoutHotLoop(f: FakeGoogle): Promise<void> {
  const tickets = count('SELECT COUNT(*) AS n FROM tickets');
  f.deliver(MAILBOX, simpleMail(2, MAILBOX, 'Waits for the reconnect'));
  await waitFor(state, (s) => s === 'needs_reconsent');
  // Paused: while several poll intervals pass, the token endpoint hears at most a stray call.
  const tokenCalls = f.requestCount(/\/token$/);
  const passes = count('SELECT COUNT(*) AS n FROM jobs');
  // Absence can only be watched over a window: five poll intervals of the test daemon (0.3 s).
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(f.requestCount(/\/token$/) - tokenCalls).toBeLessThanOrEqual(1);
  expect(count('SELECT COUNT(*) AS n FROM jobs')).toBe(passes);
  expect(count('SELECT COUNT(*) AS n FROM tickets')).toBe(tickets);
}

describe('refresh tokens that expire as Google documents', () => {
  it('Testing mode: 7 days after consent the mailbox pauses; a reconnect imports the mail that waited', async () => {
    const { fake: f, t: d } = await connectedWithOneTicket('testing');
    f.advanceClock(6 * DAY);
    f.deliver(MAILBOX, simpleMail(3, MAILBOX, 'Still within the week'));
    await waitFor(
      () => count('SELECT COUNT(*) AS n FROM tickets'),
      (n) => n === 2,
    );
    expect(state()).toBe('syncing');
    f.advanceClock(2 * DAY);
    await expectPausedWithoutHotLoop(f);
    expect(await d.connect(MAILBOX)).toBe(200);
    await waitFor(
      () => count('SELECT COUNT(*) AS n FROM tickets'),
      (n) => n === 3,
    );
    expect(state()).toBe('syncing');
  });

  it('production: a week is nothing, but a token unused for six months pauses the mailbox', async () => {
    const { fake: f } = await connectedWithOneTicket('production');
    f.advanceClock(8 * DAY);
    f.deliver(MAILBOX, simpleMail(3, MAILBOX, 'A week later'));
    await waitFor(
      () => count('SELECT COUNT(*) AS n FROM tickets'),
      (n) => n === 2,
    );
    // Half a year passes with no refresh (as if the daemon were off): the last use is too old.
    f.advanceClock(190 * DAY);
    await expectPausedWithoutHotLoop(f);
  });

  it('a password change revokes the Gmail-scoped refresh token: the mailbox pauses', async () => {
    const { fake: f } = await connectedWithOneTicket('production');
    f.changePassword(MAILBOX);
    await expectPausedWithoutHotLoop(f);
  });
});
