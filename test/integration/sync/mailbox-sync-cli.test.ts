import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { DEFAULT_CLIENT } from '../../../src/dev/fake-google/index.js';
import { runCli } from '../../../src/cli/intake.js';
import { startTestFake, TEST_QUOTA_WINDOW_MS } from '../../helpers/test-fake.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/test-daemon.js';
import { simpleMail } from '../../helpers/simple-mail.js';

const MAILBOX = 'cli@example.com';
const DAY = 86_400_000;

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (c: Buffer) => (chunks.out += c.toString()));
  err.on('data', (c: Buffer) => (chunks.err += c.toString()));
  const code = await runCli(args, { out, err, onSignal: () => undefined, fatal: () => undefined, env });
  return { code, ...chunks };
}

describe('intake mailbox preview | backfill | sync --progress', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;

  afterEach(async () => {
    await t?.close();
    await fake?.close();
  });

  it('previews a held mailbox, confirms days:7, and `sync --progress` follows the import to 100%', async () => {
    fake = await startTestFake();
    fake.deliver(MAILBOX, simpleMail(1, MAILBOX), { internalDate: Date.now() - 30 * DAY });
    for (const n of [2, 3, 4]) fake.deliver(MAILBOX, simpleMail(n, MAILBOX), { internalDate: Date.now() - n * DAY });
    t = await startTestDaemon(fake);
    const begun = await t.api<{ authUrl: string }>('/api/mailboxes/connect', {
      method: 'POST',
      body: JSON.stringify({ loginHint: MAILBOX, preview: true }),
    });
    expect((await fetch(fake.approveConsent(begun.body.authUrl, { email: MAILBOX }))).status).toBe(200);
    const e = t.config.google.endpoints;
    const env = {
      INTAKE_DATA_DIR: t.dataDir,
      INTAKE_SECRET_KEY: t.config.secrets.secretKey ?? '',
      INTAKE_GOOGLE_CLIENT_ID: DEFAULT_CLIENT.clientId,
      INTAKE_GOOGLE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
      INTAKE_GOOGLE_ENDPOINTS_TOKEN_URL: e.tokenUrl,
      INTAKE_GOOGLE_ENDPOINTS_GMAIL_ROOT_URL: e.gmailRootUrl,
      INTAKE_GOOGLE_QUOTA_WINDOW_MS: String(TEST_QUOTA_WINDOW_MS),
      INTAKE_SPAM_STARTER_MODEL: 'false',
    };

    const held = await cli(['mailbox', 'sync', '1'], env);
    expect(held.code).toBe(1);
    expect(held.err).toContain('intake mailbox backfill 1');
    const preview = await cli(['mailbox', 'preview', '1', '--backfill', 'days:7'], env);
    expect(preview.code).toBe(0);
    expect(preview.out).toContain('backfill days:7: 3 messages would be imported');
    expect(preview.out).toContain('3 new tickets');
    const bad = await cli(['mailbox', 'backfill', '1', 'weeks'], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"days:N"');
    expect((await cli(['mailbox', 'backfill', '1', 'days:7'], env)).code).toBe(0);
    const sync = await cli(['mailbox', 'sync', '1', '--progress'], env);
    expect(sync.code).toBe(0);
    expect(sync.out).toMatch(/100% 3\/3 .*done/);
    expect((t.daemon.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n).toBe(3);
  });
});
