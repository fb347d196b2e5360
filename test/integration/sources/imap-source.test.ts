// ImapSource against a real Dovecot: a full sync pages through the folder oldest first, then
// incremental sync lists only what arrived after; a password and an OAuth access token
// (XOAUTH2) both log in, a refused login pauses the mailbox (INTAKE_ERR_AUTH_REVOKED), a
// renumbered folder (new UIDVALIDITY) starts a full sync again, and a message that is not there
// is "gone". Nothing in the folder is changed: Intake opens it read-only. The IDLE watcher
// announces a delivery while it happens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDovecot, type TestDovecot } from '../../helpers/dovecot.js';
import { simpleMail } from '../../helpers/simple-mail.js';
import { ImapSource, type ImapLogin } from '../../../src/sources/imap-source.js';
import { watchImapFolder } from '../../../src/sources/imap-watch.js';
import { EMPTY_CURSOR, type SyncCursor, type SyncPlan } from '../../../src/sources/mail-source.js';
import { ImapFlow } from 'imapflow';
import { IntakeError } from '../../../src/errors/intake-error.js';
import { startImapRelay } from '../../helpers/imap-relay.js';

const USER = 'agent@example.com';
const CHOICE_USER = 'choices@example.com';
const BATCH_USER = 'batch@example.com';
const OAUTH_USER = 'oauth@example.com';
const QUIET_USER = 'quiet@example.com';
const PASSWORD = 'correct horse battery staple';
const GOOD_TOKEN = 'ya29.test-access-token-for-imap';

let dovecot: TestDovecot;

function source(login: ImapLogin, pageSize = 2): ImapSource {
  return new ImapSource({
    endpoint: { host: dovecot.host, port: dovecot.port, security: 'plain' },
    login: () => Promise.resolve(login),
    folder: 'INBOX',
    pageSize,
    timeoutMs: 10_000,
  });
}

async function drain(s: ImapSource, cursor: SyncCursor, plan?: SyncPlan): Promise<{ ids: string[]; cursor: SyncCursor; batches: number }> {
  const ids: string[] = [];
  let batches = 0;
  for (;;) {
    const batch = await s.listChanges(cursor, plan);
    batches++;
    ids.push(...batch.refs.map((r) => r.id));
    cursor = batch.cursor;
    if (!batch.more) return { ids, cursor, batches };
  }
}

beforeAll(async () => {
  dovecot = await startTestDovecot({
    passwords: { [USER]: PASSWORD, [CHOICE_USER]: PASSWORD, [BATCH_USER]: PASSWORD, [QUIET_USER]: PASSWORD },
    validToken: (token) => Promise.resolve(token === GOOD_TOKEN ? OAUTH_USER : null),
  });
});

afterAll(async () => {
  await dovecot?.close();
});

describe('ImapSource on Dovecot', () => {
  it('incremental sync: a quiet poll is one NOOP; new mail, a cursor behind what was listed or a new connection search again', async () => {
    const relay = await startImapRelay(dovecot);
    const s = new ImapSource({
      endpoint: { host: relay.host, port: relay.port, security: 'plain' },
      login: () => Promise.resolve({ user: QUIET_USER, pass: PASSWORD }),
      folder: 'INBOX',
      pageSize: 2,
      timeoutMs: 10_000,
    });
    try {
      await dovecot.deliver(QUIET_USER, Buffer.from(simpleMail(1, QUIET_USER)));
      const full = await drain(s, EMPTY_CURSOR);
      expect(full.ids).toHaveLength(1);
      relay.take();

      // The first incremental poll of a connection knows nothing yet: it searches.
      const first = await s.listChanges(full.cursor);
      expect(first.refs).toEqual([]);
      expect(relay.take()).toEqual(['NOOP', 'UID SEARCH']);
      const quiet = await s.listChanges(first.cursor);
      expect(quiet).toMatchObject({ refs: [], cursor: first.cursor, more: false, phase: 'incremental' });
      expect(relay.take()).toEqual(['NOOP']);

      // The NOOP hears of new mail (EXISTS): searched, a page at a time, until all is listed.
      for (let n = 2; n <= 4; n++) await dovecot.deliver(QUIET_USER, Buffer.from(simpleMail(n, QUIET_USER)));
      const next = await drain(s, quiet.cursor);
      expect(next.ids).toHaveLength(3);
      expect(relay.take()).toEqual(['NOOP', 'UID SEARCH', 'NOOP', 'UID SEARCH']);
      expect((await s.listChanges(next.cursor)).refs).toEqual([]);
      expect(relay.take()).toEqual(['NOOP']);

      // A cursor behind what was listed (its jobs were not enqueued, so it did not move): listed again.
      const again = await drain(s, quiet.cursor);
      expect(again.ids).toEqual(next.ids);
      expect(relay.take().filter((c) => c === 'UID SEARCH').length).toBeGreaterThan(0);

      // A new connection searches again.
      await s.close();
      relay.take();
      expect((await s.listChanges(next.cursor)).refs).toEqual([]);
      expect(relay.take()).toContain('UID SEARCH');
    } finally {
      await s.close();
      await relay.close();
    }
  });

  it('full sync: lists every message already in the folder, oldest first, a page at a time; then only new mail', async () => {
    for (let n = 1; n <= 5; n++) await dovecot.deliver(USER, Buffer.from(simpleMail(n, USER)));
    const s = source({ user: USER, pass: PASSWORD });
    try {
      const first = await s.listChanges(EMPTY_CURSOR);
      expect(first.startedBackfill).toEqual({ total: 5, reason: 'first_sync' });
      expect(first.refs).toHaveLength(2);
      const rest = await drain(s, first.cursor);
      const ids = [...first.refs.map((r) => r.id), ...rest.ids];
      expect(ids).toHaveLength(5);
      expect(new Set(ids).size).toBe(5);
      const subjects = await Promise.all(ids.map(async (id) => /Subject: (.*)\r\n/.exec((await s.fetchRaw(id)).raw.toString())?.[1]));
      expect(subjects).toEqual(['Question 1', 'Question 2', 'Question 3', 'Question 4', 'Question 5']);

      const idle = await s.listChanges(rest.cursor);
      expect(idle.refs).toEqual([]);
      expect(idle.phase).toBe('incremental');

      await dovecot.deliver(USER, Buffer.from(simpleMail(6, USER)));
      const next = await drain(s, idle.cursor);
      expect(next.ids).toHaveLength(1);
      const fetched = await s.fetchRaw(next.ids[0]!);
      expect(fetched.raw.toString()).toContain('Subject: Question 6');
      expect(fetched.labelIds).toContain('INBOX');
      expect(fetched.internalDate).toBeGreaterThan(0);
      // Read-only: the message is still unseen for the people who use the mailbox.
      expect(fetched.labelIds).toContain('UNREAD');
      expect(await drain(s, next.cursor)).toMatchObject({ ids: [] });
    } finally {
      await s.close();
    }
  });

  it('XOAUTH2: logs in with an OAuth access token; a refused token is INTAKE_ERR_AUTH_REVOKED', async () => {
    await dovecot.deliver(OAUTH_USER, Buffer.from(simpleMail(1, OAUTH_USER)));
    const good = source({ user: OAUTH_USER, accessToken: GOOD_TOKEN });
    try {
      const batch = await good.listChanges(EMPTY_CURSOR);
      expect(batch.refs).toHaveLength(1);
      expect((await good.fetchRaw(batch.refs[0]!.id)).raw.toString()).toContain('Subject: Question 1');
    } finally {
      await good.close();
    }
    const bad = source({ user: OAUTH_USER, accessToken: 'ya29.revoked' });
    const err = await bad.listChanges(EMPTY_CURSOR).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IntakeError);
    expect((err as IntakeError).code).toBe('INTAKE_ERR_AUTH_REVOKED');
    expect((err as IntakeError).message).not.toContain('ya29');
  });

  it('a renumbered folder (new UIDVALIDITY) starts a full sync again; an old id is gone', async () => {
    const login = source({ user: OAUTH_USER, accessToken: GOOD_TOKEN }, 10);
    try {
      const synced = await drain(login, EMPTY_CURSOR);
      const oldId = synced.ids[0]!;
      await login.close();
      await dovecot.renumber(OAUTH_USER);
      await dovecot.deliver(OAUTH_USER, Buffer.from(simpleMail(2, OAUTH_USER)));
      const again = await login.listChanges(synced.cursor);
      expect(again.startedBackfill?.reason).toBe('history_expired');
      // Every message is listed again under the new numbering: the ones synced before and the new one.
      expect(again.refs).toHaveLength(synced.ids.length + 1);
      expect(again.refs.map((r) => r.id)).not.toContain(oldId);
      const gone = await login.fetchRaw(oldId).then(
        () => null,
        (e: unknown) => e,
      );
      expect((gone as IntakeError).code).toBe('INTAKE_ERR_MESSAGE_GONE');
    } finally {
      await login.close();
    }
  });

  it('fetches asked for together share FETCH commands: each caller gets its own message; a missing or renumbered one alone is gone', async () => {
    for (let n = 1; n <= 20; n++) await dovecot.deliver(BATCH_USER, Buffer.from(simpleMail(n, BATCH_USER)));
    const s = source({ user: BATCH_USER, pass: PASSWORD }, 50);
    try {
      const { ids } = await drain(s, EMPTY_CURSOR);
      expect(ids).toHaveLength(20);
      const uidValidity = ids[0]!.split(':')[0]!;
      // Out of order, with a UID that does not exist and one from another numbering among them.
      const asked = [...ids].reverse();
      asked.splice(7, 0, `${uidValidity}:9999`);
      asked.splice(3, 0, `${Number(uidValidity) + 1}:1`);
      const results = await Promise.all(
        asked.map((id) =>
          s.fetchRaw(id).then(
            (m) => /Subject: (.*)\r\n/.exec(m.raw.toString())?.[1],
            (e: unknown) => (e as IntakeError).code,
          ),
        ),
      );
      const expected = asked.map((id) => {
        const at = ids.indexOf(id);
        return at === -1 ? 'INTAKE_ERR_MESSAGE_GONE' : `Question ${at + 1}`;
      });
      expect(results).toEqual(expected);
      // Calls made after a batch has been served start the next one.
      expect((await s.fetchRaw(ids[4]!)).raw.toString()).toContain('Subject: Question 5');
    } finally {
      await s.close();
    }
  });

  it('watchImapFolder(): once connected, IDLE announces a new delivery as it happens', async () => {
    let calls = 0;
    let onCall: () => void = () => undefined;
    const nextCall = () => new Promise<void>((resolve) => (onCall = resolve));
    const connected = nextCall();
    const watch = watchImapFolder({
      endpoint: { host: dovecot.host, port: dovecot.port, security: 'plain' },
      login: () => Promise.resolve({ user: OAUTH_USER, accessToken: GOOD_TOKEN }),
      folder: 'INBOX',
      timeoutMs: 10_000,
      renewMs: 60_000,
      retryMs: { first: 50, max: 200 },
      onNewMail: () => {
        calls++;
        onCall();
      },
    });
    try {
      await connected; // the sync after (re)connecting
      await watch.idling;
      const announced = nextCall();
      await dovecot.deliver(OAUTH_USER, Buffer.from(simpleMail(7, OAUTH_USER)));
      await announced;
      expect(calls).toBeGreaterThanOrEqual(2);
    } finally {
      await watch.stop();
    }
  });

  it('backfill choices: days:N lists only mail of the window (across pages), none lists nothing old and then every new message', async () => {
    // APPEND with an INTERNALDATE, as a migrated mailbox holds old mail.
    const day = 24 * 3600_000;
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      auth: { user: CHOICE_USER, pass: PASSWORD },
      logger: false,
    });
    await client.connect();
    try {
      for (let n = 1; n <= 3; n++)
        await client.append('INBOX', simpleMail(n, CHOICE_USER, `Old ${n}`), [], new Date(Date.now() - 30 * day));
      for (let n = 4; n <= 6; n++) await client.append('INBOX', simpleMail(n, CHOICE_USER, `Recent ${n}`), [], new Date(Date.now() - day));
    } finally {
      await client.logout();
    }
    const s = source({ user: CHOICE_USER, pass: PASSWORD }, 2);
    try {
      const week: SyncPlan = { first: { afterMs: Date.now() - 7 * day }, resyncAfterMs: null };
      const lastWeek = await drain(s, EMPTY_CURSOR, week);
      expect(lastWeek.batches).toBe(2);
      const subjects = await Promise.all(
        lastWeek.ids.map(async (id) => /Subject: (.*)\r\n/.exec((await s.fetchRaw(id)).raw.toString())?.[1]),
      );
      expect(subjects).toEqual(['Recent 4', 'Recent 5', 'Recent 6']);

      const none: SyncPlan = { first: 'none', resyncAfterMs: null };
      const first = await s.listChanges(EMPTY_CURSOR, none);
      expect(first.refs).toEqual([]);
      expect(first.startedBackfill).toEqual({ total: 0, reason: 'first_sync' });
      await dovecot.deliver(CHOICE_USER, Buffer.from(simpleMail(7, CHOICE_USER, 'New after connect')));
      const next = await drain(s, first.cursor, none);
      expect(next.ids).toHaveLength(1);
      expect((await s.fetchRaw(next.ids[0]!)).raw.toString()).toContain('Subject: New after connect');
    } finally {
      await s.close();
    }
  });
});
