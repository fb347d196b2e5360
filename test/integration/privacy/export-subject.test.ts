import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { seedMail } from '../../helpers/privacy-mail.js';
import { readTar } from '../../../src/privacy/export/tar-writer.js';
import { QuarantineRepo } from '../../../src/store/quarantine-repo.js';
import { cliEnv, runIntake } from '../../helpers/cli-run.js';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';

const MAILBOX = 'helpdesk@example.com';
const CAROL = 'carol.exports@customer.example';
const DAN = 'dan.other@customer.example';

const carol = [
  seedMail({
    n: 21,
    from: CAROL,
    to: MAILBOX,
    subject: 'Porcupine saddle size question',
    lines: ['Which porcupine saddle fits a small pony?'],
    attachmentLines: ['Pony measurements: withers ninety-one centimetres'],
  }),
  seedMail({
    n: 22,
    from: CAROL,
    to: MAILBOX,
    subject: 'Refund for marzipan hamper',
    lines: ['The marzipan hamper was stale on arrival.'],
  }),
];
const dan = seedMail({ n: 23, from: DAN, to: MAILBOX, subject: 'Dan asks about anchovy tins', lines: ['Anchovy tins arrived dented.'] });

interface ExportDoc {
  format: string;
  subject: { email: string };
  contacts: { email: string }[];
  tickets: { subject: string; messages: { subject: string; text: string; attachments: { filename: string; file: string | null }[] }[] }[];
  quarantine: { subject: string; file: string }[];
  audit: { action: string }[];
}

describe('exporting what is held about an address', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  afterEach(async () => {
    await t?.close();
    await fake?.close();
  });

  it('export: the archive holds every seeded item of the address (tickets, messages, attachment bytes, quarantine, audit) and nothing of others', async () => {
    fake = await startTestFake();
    for (const m of [...carol, dan]) fake.deliver(MAILBOX, m.raw);
    t = await startTestDaemon(fake);
    expect(await t.connect(MAILBOX)).toBe(200);
    const db = t.daemon.db;
    await waitFor(
      () => (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n,
      (n) => n === 3,
    );
    const held = Buffer.from(`From: ${CAROL}\r\nSubject: Cheap watches\r\n\r\nheld body\r\n`);
    new QuarantineRepo(db).add({
      mailboxId: 1,
      providerMessageId: 'q-carol',
      providerThreadId: null,
      fromAddress: CAROL,
      subject: 'Cheap watches',
      reason: 'spam',
      score: 1,
      evidence: [],
      raw: held,
    });
    const carolMessage = (db.prepare('SELECT id FROM messages WHERE subject = ?').get(carol[1]!.subject) as { id: number }).id;
    expect((await t.api(`/api/messages/${carolMessage}/verdict`, { method: 'PUT', body: JSON.stringify({ verdict: 'ham' }) })).status).toBe(
      200,
    );

    const res = await fetch(`${t.daemon.url}/api/privacy/export?email=${encodeURIComponent(CAROL.toUpperCase())}`, {
      headers: { authorization: `Bearer ${t.apiToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-tar');
    const files = readTar(Buffer.from(await res.arrayBuffer()));
    const doc = JSON.parse((files.get('subject.json') as Buffer).toString('utf8')) as ExportDoc;
    expect(doc.format).toBe('intake-subject-export');
    expect(doc.subject.email).toBe(CAROL);
    expect(doc.contacts.map((c) => c.email)).toEqual([CAROL]);
    expect(doc.tickets.map((x) => x.subject).sort()).toEqual(carol.map((m) => m.subject).sort());
    const messages = doc.tickets.flatMap((x) => x.messages);
    expect(messages.map((m) => m.text.trim()).sort()).toEqual(carol.map((m) => m.lines.join('\n')).sort());
    const att = messages.flatMap((m) => m.attachments);
    expect(att).toHaveLength(1);
    expect(att[0]!.filename).toBe('statement.txt');
    expect(files.get(att[0]!.file as string)?.toString('utf8')).toBe(`${carol[0]!.attachmentLines.join('\n')}\n`);
    expect(doc.quarantine.map((q) => q.subject)).toEqual(['Cheap watches']);
    expect(files.get(doc.quarantine[0]!.file)).toEqual(held);
    expect(doc.audit.map((a) => a.action)).toContain('spam.learn_ham');

    const everything = [...files.values()].map((b) => b.toString('utf8')).join('\n');
    for (const other of [DAN, dan.subject, ...dan.lines]) expect(everything.includes(other), other).toBe(false);
    expect(db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'privacy.exported'").get()).toEqual({ n: 1 });

    // The CLI writes the same document to a file.
    const out = join(mkdtempSync(join(tmpdir(), 'intake-export-')), 'carol.tar');
    const cli = await runIntake(['privacy', 'export', '--email', CAROL, '--out', out], cliEnv(t));
    expect(cli.err).toBe('');
    expect(cli.code).toBe(0);
    const fromCli = JSON.parse((readTar(readFileSync(out)).get('subject.json') as Buffer).toString('utf8')) as ExportDoc;
    expect(fromCli.tickets.map((x) => x.subject).sort()).toEqual(doc.tickets.map((x) => x.subject).sort());
  });
});
