// The data directory and the files that hold mail and keys are private to Intake's user,
// whether the daemon creates them or finds them left looser by an older install.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { simpleMail } from '../../helpers/simple-mail.js';
import { loadKeys } from '../../../src/crypto/key-source.js';
import { openDatabase } from '../../../src/store/database.js';
import { AdminClient, createTestAdmin, totpCode, TEST_PASSWORD } from '../../helpers/admin-client.js';
import { hashSessionId } from '../../../src/auth/session-repo.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('file modes and stored secrets', () => {
  const roots: string[] = [];
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;

  afterEach(async () => {
    await t?.close();
    await fake?.close();
    t = undefined;
    fake = undefined;
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  function tempRoot(): string {
    const root = mkdtempSync(join(tmpdir(), 'intake-modes-'));
    roots.push(root);
    return root;
  }

  it('daemon: when it creates dataDir and the database, makes the directory 0700 and the database, WAL and SHM 0600', async () => {
    const dataDir = join(tempRoot(), 'data');
    fake = await startTestFake();
    for (let i = 0; i < 3; i++) fake.deliver('modes@example.com', simpleMail(i, 'modes@example.com'));
    t = await startTestDaemon(fake, { dataDir });
    expect(await t.connect('modes@example.com')).toBe(200);
    await waitFor(
      () => (t?.daemon.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n,
      (n) => n === 3,
    );
    const db = t.config.database.file;
    expect(modeOf(dataDir)).toBe(0o700);
    expect([modeOf(db), modeOf(`${db}-wal`), modeOf(`${db}-shm`)]).toEqual([0o600, 0o600, 0o600]);
  });

  it('openDatabase(): when an older install left the database and its WAL 0644, tightens them to 0600', () => {
    const file = join(tempRoot(), 'intake.sqlite');
    openDatabase(file).close();
    for (const f of [file, `${file}-wal`]) {
      writeFileSync(f, '', { flag: 'a' });
      chmodSync(f, 0o644);
    }
    const db = openDatabase(file);
    db.prepare('SELECT 1').get();
    expect([modeOf(file), modeOf(`${file}-wal`)]).toEqual([0o600, 0o600]);
    db.close();
  });

  it('loadKeys(): when no key is configured, creates the key file 0600 in a 0700 directory, and tightens a looser one', () => {
    const dir = join(tempRoot(), 'keys');
    const { generatedFile } = loadKeys(undefined, dir);
    expect(generatedFile).toBe(join(dir, 'secret.key'));
    expect([modeOf(dir), modeOf(join(dir, 'secret.key'))]).toEqual([0o700, 0o600]);
    chmodSync(join(dir, 'secret.key'), 0o644);
    loadKeys(undefined, dir);
    expect(modeOf(join(dir, 'secret.key'))).toBe(0o600);
  });

  it('daemon: when dataDir exists with 0755, narrows it to 0700', async () => {
    const dataDir = join(tempRoot(), 'loose');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    fake = await startTestFake();
    t = await startTestDaemon(fake, { dataDir });
    expect(modeOf(dataDir)).toBe(0o700);
  });

  it('sessions: the CSRF token a signed-in page carries is stored only as a hash', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake, { dataDir: join(tempRoot(), 'csrf') });
    const admin = await createTestAdmin(t.daemon.db, t.config);
    const browser = new AdminClient(t.daemon.url);
    expect((await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret))).status).toBe(303);
    expect(browser.csrf.length).toBeGreaterThan(20);
    const rows = t.daemon.db.prepare('SELECT csrf_token FROM admin_sessions').all() as { csrf_token: string }[];
    expect(rows).toEqual([{ csrf_token: hashSessionId(browser.csrf) }]);
    // The token still works: a form posted with it is accepted.
    expect((await browser.post('/admin/logout', {})).status).toBe(303);
  });
});
