import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { runCli } from '../../../src/cli/intake.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';

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

describe('intake webhook', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  const receiver = new WebhookReceiver();

  afterEach(async () => {
    await t?.close();
    await fake?.close();
    await receiver.close();
  });

  it('intake webhook add | list | rotate-secret | remove: manages endpoints the running daemon delivers to, signed with the current secret', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake, { webhooks: { allowInsecureLoopback: true } });
    const env = { INTAKE_DATA_DIR: t.dataDir, INTAKE_SECRET_KEY: t.config.secrets.secretKey ?? '' };
    await receiver.start();

    const refused = await cli(['webhook', 'add', 'http://169.254.169.254/'], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('INTAKE_ERR_WEBHOOK_URL');
    expect((await cli(['webhook', 'add', receiver.url, '--events', 'ticket.nope'], env)).err).toContain('unknown event type ticket.nope');

    const loopback = { ...env, INTAKE_WEBHOOKS_ALLOW_INSECURE_LOOPBACK: 'true' };
    const added = await cli(['webhook', 'add', receiver.url, '--events', 'ticket.created'], loopback);
    expect(added.code).toBe(0);
    const id = Number(/webhook (\d+) added/.exec(added.out)?.[1]);
    expect(added.out).toMatch(/^whsec_[\w-]{43}$/m);
    expect((await cli(['webhook', 'list'], env)).out).toContain(`${id}    ${receiver.url}  ticket.created  active`);
    const rotated = await cli(['webhook', 'rotate-secret', String(id)], env);
    receiver.secret = /^(whsec_[\w-]{43})$/m.exec(rotated.out)?.[1] as string;
    expect(receiver.secret).not.toBe(/^(whsec_[\w-]{43})$/m.exec(added.out)?.[1]);

    fake.deliver(MAILBOX, 'From: a@example.com\r\nTo: team@example.com\r\nSubject: Hi\r\n\r\nHello.\r\n');
    expect(await t.connect(MAILBOX)).toBe(200);
    const got = await waitFor(
      () => receiver.unique.size,
      (n) => n >= 1,
    );
    expect(got).toBe(1);
    expect(receiver.badSignatures).toBe(0);
    expect((await cli(['webhook', 'failed', String(id)], env)).out).toBe('no dead letters\n');

    expect((await cli(['webhook', 'remove', String(id)], env)).code).toBe(0);
    expect((await cli(['webhook', 'list'], env)).out).toBe('no webhook endpoints\n');
    const audit = t.daemon.db.prepare("SELECT actor, action FROM audit_log WHERE action LIKE 'webhook.%' ORDER BY id").all();
    expect(audit).toEqual([
      { actor: 'cli', action: 'webhook.created' },
      { actor: 'cli', action: 'webhook.secret_rotated' },
      { actor: 'cli', action: 'webhook.removed' },
    ]);
  });
});
