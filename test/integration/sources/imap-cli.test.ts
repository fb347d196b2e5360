// `intake mailbox add-imap` next to a running daemon: the command checks the sign-in against a
// real Dovecot and stores the mailbox; the daemon, which was not told, finds it within a poll
// interval and turns its mail into tickets. A wrong password stores nothing and says why; the
// password comes from a file, never from the command line, and `mailbox remove` deletes it
// without calling Google.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDovecot, type TestDovecot } from '../../helpers/dovecot.js';
import { simpleMail } from '../../helpers/simple-mail.js';
import { recordSecrets, startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { cliEnv, runIntake } from '../../helpers/cli-run.js';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';

const USER = 'cli-imap@imap.example.org';
const PASSWORD = 'cli-imap-password-5d1a';

let fake: FakeGoogle;
let dovecot: TestDovecot;
let t: TestDaemon;
let dir: string;

function passwordFile(name: string, content: string): string {
  const file = join(dir, name);
  writeFileSync(file, `${content}\n`, { mode: 0o600 });
  return file;
}

beforeAll(async () => {
  recordSecrets([PASSWORD, `${PASSWORD}-new`]);
  dir = mkdtempSync(join(tmpdir(), 'intake-imap-cli-'));
  fake = await startTestFake();
  dovecot = await startTestDovecot({ passwords: { [USER]: PASSWORD }, introspectionUrl: `${fake.url}/introspect` });
  t = await startTestDaemon(fake, { sync: { pollIntervalSeconds: 0.5 }, imap: { timeoutMs: 5000 } });
});

afterAll(async () => {
  await t?.close();
  await dovecot?.close();
  await fake?.close();
});

describe('intake mailbox add-imap', () => {
  it('with a wrong password: exits 1 with INTAKE_ERR_IMAP_LOGIN and stores nothing', async () => {
    const args = ['mailbox', 'add-imap', USER, '--host', dovecot.host, '--port', String(dovecot.port), '--security', 'plain'];
    const res = await runIntake([...args, '--password-file', passwordFile('wrong', 'not-the-password')], cliEnv(t));
    expect(res.code).toBe(1);
    expect(res.err).toContain('INTAKE_ERR_IMAP_LOGIN');
    expect(res.err).not.toContain('not-the-password');
    expect(t.daemon.db.prepare('SELECT COUNT(*) AS n FROM mailboxes').get()).toEqual({ n: 0 });
  });

  it('with bad arguments: exits 2 naming the flag', async () => {
    const res = await runIntake(
      ['mailbox', 'add-imap', USER, '--host', 'bad host!', '--security', 'ssl', '--password-file', passwordFile('p', PASSWORD)],
      cliEnv(t),
    );
    expect(res.code).toBe(2);
    expect(res.err).toContain('--host');
    expect(res.err).toContain('--security');
  });

  it('adds the mailbox; the running daemon finds it and its mail becomes tickets; remove deletes the password only locally', async () => {
    for (let n = 1; n <= 2; n++) await dovecot.deliver(USER, Buffer.from(simpleMail(n, USER, `CLI question ${n}`)));
    const args = ['mailbox', 'add-imap', USER, '--host', dovecot.host, '--port', String(dovecot.port), '--security', 'plain'];
    const res = await runIntake([...args, '--password-file', passwordFile('good', PASSWORD)], cliEnv(t));
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toContain('2 messages in INBOX');
    expect(res.out).not.toContain(PASSWORD);
    await waitFor(
      () => (t.daemon.db.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n,
      (n) => n === 2,
    );

    // The password changes on the server: the next sign-in is refused and the mailbox pauses
    // with a reason that names IMAP (not a Google grant); adding it again with the new one resumes.
    dovecot.setPassword(USER, `${PASSWORD}-new`);
    await dovecot.restart();
    const paused = await waitFor(
      () =>
        t.daemon.db.prepare('SELECT state, state_reason AS reason FROM mailboxes WHERE id = 1').get() as { state: string; reason: string },
      (m) => m.state === 'needs_reconsent',
    );
    expect(paused.reason).toBe('imap_login_refused');
    const again = await runIntake([...args, '--password-file', passwordFile('new', `${PASSWORD}-new`)], cliEnv(t));
    expect(again.code).toBe(0);
    expect(again.out).toContain('mailbox 1 updated');
    await dovecot.deliver(USER, Buffer.from(simpleMail(3, USER, 'After the new password')));
    await waitFor(
      () => (t.daemon.db.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n,
      (n) => n === 3,
    );

    const revoked = fake.revokedTokens().length;
    const removed = await runIntake(['mailbox', 'remove', '1'], cliEnv(t));
    expect(removed.code).toBe(0);
    expect(removed.out).toContain('IMAP password deleted');
    expect(fake.revokedTokens()).toHaveLength(revoked);
  });
});
