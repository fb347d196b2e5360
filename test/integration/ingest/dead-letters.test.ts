// Poison entries and dead letters, end to end in the daemon against the fake Google: a message
// that cannot be stored (a real SQLite trigger refuses it) is kept with its raw bytes and error,
// shows in /readyz, /api/mailboxes, /metrics, the API, the CLI and the admin page, and a replay
// through the API turns it into a ticket once the cause is gone. No mail content in any log line.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { runCli } from '../../../src/cli/intake.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { simpleMail } from '../../helpers/simple-mail.js';

const MAILBOX = 'dead@example.com';
const SECRET_SUBJECT = 'Refund for order zq-4471';

interface FailedList {
  jobs: { id: string; errorCode: string | null }[];
  poison: { id: string; errorCode: string; errorMessage: string; mailboxId: number; sizeBytes: number }[];
}

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (c: Buffer) => (chunks.out += c.toString()));
  err.on('data', (c: Buffer) => (chunks.err += c.toString()));
  const code = await runCli(args, { out, err, onSignal: () => undefined, fatal: () => undefined, env });
  return { code, ...chunks };
}

describe('poison entries and dead letters', () => {
  let fake: FakeGoogle;
  let t: TestDaemon;
  const count = (sql: string) => (t.daemon.db.prepare(sql).get() as { n: number }).n;

  beforeAll(async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    // The store itself refuses this message, as a bug or a corrupt row would: real SQLite, real error.
    t.daemon.db.exec(`CREATE TRIGGER refuse_message BEFORE INSERT ON messages WHEN NEW.subject = '${SECRET_SUBJECT}'
      BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END`);
    fake.deliver(MAILBOX, simpleMail(1, MAILBOX));
    fake.deliver(MAILBOX, simpleMail(2, MAILBOX, SECRET_SUBJECT));
    await t.connect(MAILBOX);
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('ingest: when the ticket write fails even with headers only, keeps a poison entry with raw bytes and error code', async () => {
    expect(
      await waitFor(
        () => count('SELECT COUNT(*) AS n FROM poison_messages'),
        (n) => n === 1,
        30_000,
      ),
    ).toBe(1);
    expect(
      await waitFor(
        () => count('SELECT COUNT(*) AS n FROM messages'),
        (n) => n === 1,
        30_000,
      ),
    ).toBe(1);
    const row = t.daemon.db.prepare('SELECT error_code, error_message, length(raw) AS bytes FROM poison_messages').get() as {
      error_code: string;
      error_message: string;
      bytes: number;
    };
    expect(row.error_code).toBe('SQLITE_CONSTRAINT_TRIGGER');
    expect(row.error_message).toBe('refused by the test trigger');
    expect(row.bytes).toBeGreaterThan(100);
    expect(count("SELECT COUNT(*) AS n FROM jobs WHERE state = 'failed'")).toBe(0);
  });

  it('GET /api/jobs/failed, /readyz, /api/mailboxes and /metrics: when a poison entry exists, each shows it', async () => {
    const list = await t.api<FailedList>('/api/jobs/failed');
    expect(list.status).toBe(200);
    expect(list.body.poison).toHaveLength(1);
    expect(list.body.poison[0]).toMatchObject({ id: 'poison:1', errorCode: 'SQLITE_CONSTRAINT_TRIGGER' });
    const ready = (await (await fetch(`${t.daemon.url}/readyz`)).json()) as {
      deadLetters: { poison: number };
      mailboxes: { deadLetters: number }[];
    };
    expect(ready.deadLetters.poison).toBe(1);
    expect(ready.mailboxes[0]?.deadLetters).toBe(1);
    const mailboxes = await t.api<{ mailboxes: { deadLetters: number }[] }>('/api/mailboxes');
    expect(mailboxes.body.mailboxes[0]?.deadLetters).toBe(1);
    const metrics = await (await fetch(`${t.daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/intake_dead_letters\{kind="poison"\} 1/);
  });

  it('intake jobs failed: when a poison entry exists, lists its id and error; an unknown id to retry exits 1', async () => {
    const env = { INTAKE_DATA_DIR: t.dataDir, INTAKE_SECRET_KEY: t.config.secrets.secretKey ?? '' };
    const listed = await cli(['jobs', 'failed'], env);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/poison:1 .*SQLITE_CONSTRAINT_TRIGGER: refused by the test trigger/);
    const unknown = await cli(['jobs', 'retry', 'poison:99'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no failed job or poison entry with id poison:99');
  });

  it('logs: when a message is poisoned, log its error code and message but never its content', () => {
    const lines = t.logLines();
    const poisoned = lines.find((l) => l.msg === 'message kept as a poison entry; list with `intake jobs failed`');
    expect(poisoned).toMatchObject({ code: 'SQLITE_CONSTRAINT_TRIGGER', message: 'refused by the test trigger' });
    expect(JSON.stringify(lines)).not.toContain('zq-4471');
  });

  it('POST /api/jobs/:id/retry: once the cause is gone, replays the poison entry into a ticket and removes it', async () => {
    t.daemon.db.exec('DROP TRIGGER refuse_message');
    const retried = await t.api(`/api/jobs/poison:1/retry`, { method: 'POST' });
    expect(retried.status).toBe(202);
    expect(
      await waitFor(
        () => count('SELECT COUNT(*) AS n FROM messages'),
        (n) => n === 2,
        30_000,
      ),
    ).toBe(2);
    expect(
      await waitFor(
        () => count('SELECT COUNT(*) AS n FROM poison_messages'),
        (n) => n === 0,
        30_000,
      ),
    ).toBe(0);
    const subject = t.daemon.db.prepare('SELECT subject FROM messages WHERE subject = ?').get(SECRET_SUBJECT);
    expect(subject).toBeDefined();
    const again = await t.api(`/api/jobs/poison:1/retry`, { method: 'POST' });
    expect(again.status).toBe(404);
  });
});
