import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { cliEnv, runIntake } from '../../helpers/cli-run.js';
import { simpleMail } from '../../helpers/simple-mail.js';
import { testLogger } from '../../helpers/test-log.js';
import { freePort } from '../../helpers/free-port.js';
import { startDaemon, type Daemon } from '../../../src/daemon/daemon.js';
import type { Config } from '../../../src/config/config-schema.js';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';

const MAILBOX = 'helpdesk@example.com';
const TOTAL = 1000;

const countMessages = (db: Database.Database): number => (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;

interface TicketView {
  id: number;
  messages: { providerMessageId: string }[];
}

describe('encrypted backups', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('backup: taken while 1,000 messages are ingested, restores into a daemon that serves every ticket committed before it began, none half-written, and syncs on without doubling; a tampered copy is refused', async () => {
    const fake: FakeGoogle = await startTestFake();
    closers.push(() => fake.close());
    for (let i = 0; i < TOTAL; i++) fake.deliver(MAILBOX, simpleMail(i, MAILBOX, `Backup question ${i}`));
    const t: TestDaemon = await startTestDaemon(fake, { sync: { pageSize: 100 } });
    closers.push(() => t.close());
    expect(await t.connect(MAILBOX)).toBe(200);
    const db = t.daemon.db;
    expect(
      countMessages(
        await waitFor(
          () => db,
          (d) => countMessages(d) >= 100,
        ),
      ),
    ).toBeGreaterThanOrEqual(100);

    // What was committed before the backup began.
    const before = db.prepare('SELECT ticket_id AS ticketId, provider_message_id AS pmid FROM messages').all() as {
      ticketId: number;
      pmid: string;
    }[];
    expect(before.length).toBeLessThan(TOTAL);
    const out = join(mkdtempSync(join(tmpdir(), 'intake-backup-')), 'intake.ibak');
    const backup = await runIntake(['backup', '--out', out], cliEnv(t));
    expect(backup.err).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.out).toContain('encrypted with secret-key');
    const bytes = readFileSync(out);
    expect(bytes.includes(Buffer.from('Backup question 1'))).toBe(false);
    expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);

    const verified = await runIntake(['backup', 'verify', out], cliEnv(t));
    expect(verified).toMatchObject({ code: 0, err: '' });
    // Flip one byte in the middle of the ciphertext, and one in the header.
    for (const at of [Math.floor(bytes.length / 2), 20]) {
      const tampered = Buffer.from(bytes);
      tampered[at] = (tampered[at] as number) ^ 0x01;
      const file = `${out}.tampered-${at}`;
      writeFileSync(file, tampered);
      const refused = await runIntake(['backup', 'verify', file], cliEnv(t));
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/refused .*(changed or damaged|header)/);
      const dir = mkdtempSync(join(tmpdir(), 'intake-restore-bad-'));
      const restoreBad = await runIntake(['restore', file], cliEnv({ dataDir: dir, config: t.config }));
      expect(restoreBad.code).toBe(1);
    }
    const wrongKey = await runIntake(['backup', 'verify', out], cliEnv(t, { INTAKE_SECRET_KEY: Buffer.alloc(32, 9).toString('base64') }));
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toContain('set that key');

    // Stop the first daemon mid-ingest: the restored one has to sync the rest on its own.
    await t.close();
    const restoredDir = mkdtempSync(join(tmpdir(), 'intake-restored-'));
    const restored = await runIntake(['restore', out], cliEnv({ dataDir: restoredDir, config: t.config }));
    expect(restored).toMatchObject({ code: 0, err: '' });
    const again = await runIntake(['restore', out], cliEnv({ dataDir: restoredDir, config: t.config }));
    expect(again.code).toBe(1);
    expect(again.err).toContain('empty data dir');

    // None half-written: every ticket's count matches its messages, each message has its event.
    const file = join(restoredDir, 'intake.sqlite');
    const check = new Database(file, { readonly: true });
    const snapshot = countMessages(check);
    expect(snapshot).toBeGreaterThanOrEqual(before.length);
    expect(
      check
        .prepare('SELECT COUNT(*) AS n FROM tickets t WHERE message_count != (SELECT COUNT(*) FROM messages m WHERE m.ticket_id = t.id)')
        .get(),
    ).toEqual({ n: 0 });
    expect(
      check.prepare('SELECT COUNT(*) AS n FROM messages m WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id)').get(),
    ).toEqual({ n: 0 });
    check.close();

    const config: Config = { ...t.config, dataDir: restoredDir, database: { file }, http: { ...t.config.http, port: await freePort() } };
    const d2: Daemon = await startDaemon(config, testLogger('restored'));
    closers.push(() => d2.close());
    const done = await waitFor(
      () => countMessages(d2.db),
      (n) => n >= TOTAL,
      120_000,
    );
    expect(done).toBe(TOTAL);
    expect(d2.db.prepare('SELECT COUNT(DISTINCT provider_message_id) AS n FROM messages').get()).toEqual({ n: TOTAL });
    expect(d2.db.prepare('SELECT COUNT(*) AS n FROM tickets').get()).toEqual({ n: TOTAL });

    const byTicket = new Map<number, string[]>();
    for (const m of before) byTicket.set(m.ticketId, [...(byTicket.get(m.ticketId) ?? []), m.pmid]);
    for (const [id, pmids] of byTicket) {
      const res = await fetch(`${d2.url}/api/tickets/${id}`, { headers: { authorization: `Bearer ${t.apiToken}` } });
      expect(res.status).toBe(200);
      const view = (await res.json()) as TicketView;
      expect(view.messages.map((m) => m.providerMessageId).sort()).toEqual(pmids.sort());
    }
    // Two daemons ingest 1,000 messages between them on a shared two-core machine.
  }, 300_000);
});
