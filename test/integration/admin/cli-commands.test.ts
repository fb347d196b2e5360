import { PassThrough } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { runCli } from '../../../src/cli/intake.js';
import { startDaemon, type Daemon } from '../../../src/daemon/daemon.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { testLogger } from '../../helpers/test-log.js';
import { AdminClient, TEST_PASSWORD } from '../../helpers/admin-client.js';
import { simpleMail } from '../../helpers/simple-mail.js';

const MAILBOX = 'team@example.com';

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (c: Buffer) => (chunks.out += c.toString()));
  err.on('data', (c: Buffer) => (chunks.err += c.toString()));
  const code = await runCli(args, { out, err, onSignal: () => undefined, fatal: () => undefined, env });
  return { code, ...chunks };
}

describe('intake admin | token | keys', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  let other: Daemon | undefined;

  afterEach(async () => {
    await other?.close();
    await t?.close();
    await fake?.close();
    other = undefined;
    t = undefined;
    fake = undefined;
  });

  const envOf = (d: TestDaemon, extra: Record<string, string> = {}) => ({
    INTAKE_DATA_DIR: d.dataDir,
    INTAKE_SECRET_KEY: d.config.secrets.secretKey ?? '',
    ...extra,
  });

  it('intake admin create: prints the otpauth URI and ten recovery codes once, and that admin signs in with a code from the printed secret', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    const res = await cli(['admin', 'create', 'ops'], envOf(t, { INTAKE_ADMIN_PASSWORD: TEST_PASSWORD }));
    expect(res.code).toBe(0);
    const uri = /otpauth:\/\/totp\/Intake:ops\?secret=([A-Z2-7]+)&issuer=Intake/.exec(res.out);
    expect(uri).not.toBeNull();
    expect(res.out.match(/^ {2}[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/gm)).toHaveLength(10);
    const browser = new AdminClient(t.daemon.url);
    expect((await browser.signIn('ops', TEST_PASSWORD, await generate({ secret: uri?.[1] as string }))).status).toBe(303);
    expect((await cli(['admin', 'create', 'ops'], envOf(t, { INTAKE_ADMIN_PASSWORD: TEST_PASSWORD }))).code).toBe(1);
  });

  it('intake admin create: with --password-file reads the password there, and refuses a password shorter than 12 characters', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    const file = join(t.dataDir, 'pw');
    writeFileSync(file, 'short\n');
    const refused = await cli(['admin', 'create', 'ops', '--password-file', file], envOf(t));
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('at least 12 characters');
    writeFileSync(file, `${TEST_PASSWORD}\n`);
    expect((await cli(['admin', 'create', 'ops', '--password-file', file], envOf(t))).code).toBe(0);
    expect(t.daemon.db.prepare('SELECT COUNT(*) AS n FROM admins').get()).toEqual({ n: 1 });
  });

  it('intake token: create prints a token the API accepts, list shows it without the token, revoke makes the API answer 401', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    const created = await cli(['token', 'create', '--scope', 'agent', '--name', 'zendesk bridge'], envOf(t));
    expect(created.code).toBe(0);
    const token = /^(itk_\S+)$/m.exec(created.out)?.[1] as string;
    const get = () => fetch(`${t!.daemon.url}/api/tickets`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get()).status).toBe(200);
    const listed = await cli(['token', 'list'], envOf(t));
    expect(listed.out).toContain('zendesk bridge');
    expect(listed.out).not.toContain(token);
    expect((await cli(['token', 'revoke', '1'], envOf(t))).out).toContain('revoked');
    expect((await get()).status).toBe(401);
    expect((await cli(['token', 'create', '--scope', 'root', '--name', 'x'], envOf(t))).code).toBe(2);
  });

  it('intake keys rotate: re-seals every secret under the new key, after which the daemon runs with the new key alone', async () => {
    fake = await startTestFake();
    fake.deliver(MAILBOX, simpleMail(1, MAILBOX));
    t = await startTestDaemon(fake);
    expect(await t.connect(MAILBOX)).toBe(200);
    const messages = () => (other ?? t!.daemon).db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number };
    await waitFor(messages, (r) => r.n === 1);
    expect((await cli(['admin', 'create', 'ops'], envOf(t, { INTAKE_ADMIN_PASSWORD: TEST_PASSWORD }))).code).toBe(0);
    const secret = /secret {6}: ([A-Z2-7]+)/.exec(
      (await cli(['admin', 'create', 'ops2'], envOf(t, { INTAKE_ADMIN_PASSWORD: TEST_PASSWORD }))).out,
    )?.[1] as string;
    await t.close();

    const oldKey = t.config.secrets.secretKey as string;
    const newKey = randomBytes(32).toString('base64');
    const rotated = await cli(['keys', 'rotate'], envOf(t, { INTAKE_SECRET_KEY: `${newKey},${oldKey}` }));
    expect(rotated.code).toBe(0);
    expect(rotated.out).toMatch(/mailboxes\.refresh_token_cipher\s+1 rotated/);
    expect(rotated.out).toMatch(/admins\.totp_secret_cipher\s+2 rotated/);
    // The one consent was completed, so its verifier is already gone: nothing to re-seal.
    expect(rotated.out).toMatch(/oauth_states\.verifier_cipher\s+0 rotated, 0 already current/);
    expect(rotated.out).toMatch(/instance_secrets\.cipher\s+1 rotated/);
    expect((await cli(['keys', 'rotate'], envOf(t, { INTAKE_SECRET_KEY: `${newKey},${oldKey}` }))).out).toMatch(
      /mailboxes\.refresh_token_cipher\s+0 rotated, 1 already current/,
    );

    other = await startDaemon({ ...t.config, secrets: { ...t.config.secrets, secretKey: newKey } }, testLogger('daemon-rotated'));
    fake.deliver(MAILBOX, simpleMail(2, MAILBOX));
    expect((await waitFor(messages, (r) => r.n === 2)).n).toBe(2);
    const browser = new AdminClient(other.url);
    expect((await browser.signIn('ops2', TEST_PASSWORD, await generate({ secret }))).status).toBe(303);
  });
});
