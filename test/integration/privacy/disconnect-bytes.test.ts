import { afterEach, describe, expect, it } from 'vitest';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { findInFiles } from '../../helpers/byte-scan.js';
import { seedMail } from '../../helpers/privacy-mail.js';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';

const GONE = 'support-gone@example.com';
const KEPT = 'support-kept@example.com';

const goneMail = seedMail({
  n: 10,
  from: 'petra.departing@customer.example',
  to: GONE,
  subject: 'Quarterly gooseberry shipment delayed',
  lines: ['The gooseberry crates never reached the Utrecht warehouse.'],
  attachmentLines: ['Manifest reference tangerine-55120 for the gooseberry crates'],
});
const keptMail = seedMail({
  n: 11,
  from: 'quentin.staying@customer.example',
  to: KEPT,
  subject: 'Walrus figurine lost in transit',
  lines: ['My walrus figurine was lost somewhere near Tromso.'],
});

describe('deleting a mailbox with its tickets', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  afterEach(async () => {
    await t?.close();
    await fake?.close();
  });

  it("disconnect: with its tickets, leaves no byte of that mailbox's mail or its senders' contact rows in the file, WAL or SHM", async () => {
    fake = await startTestFake();
    fake.deliver(GONE, goneMail.raw);
    fake.deliver(KEPT, keptMail.raw);
    t = await startTestDaemon(fake);
    expect(await t.connect(GONE)).toBe(200);
    expect(await t.connect(KEPT)).toBe(200);
    const db = t.daemon.db;
    const n = await waitFor(
      () => (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n,
      (x) => x === 2,
    );
    expect(n).toBe(2);
    const id = (db.prepare('SELECT id FROM mailboxes WHERE email = ?').get(GONE) as { id: number }).id;
    const res = await t.api(`/api/mailboxes/${id}?deleteTickets=true`, { method: 'DELETE' });
    expect(res.status).toBe(200);

    expect(findInFiles(db.name, [GONE, goneMail.from, goneMail.subject, ...goneMail.lines, ...goneMail.attachmentLines])).toEqual([]);
    expect(db.prepare('SELECT email FROM contacts').all()).toEqual([{ email: keptMail.from }]);
    expect(findInFiles(db.name, [keptMail.subject]).length).toBeGreaterThan(0);
    const audit = db.prepare("SELECT actor FROM audit_log WHERE action = 'mailbox.deleted'").all();
    expect(audit).toEqual([{ actor: 'api_token:bootstrap' }]);
    // The connections are audited under the token that started the consent.
    expect(db.prepare("SELECT actor FROM audit_log WHERE action = 'mailbox.connected'").all()).toEqual([
      { actor: 'api_token:bootstrap' },
      { actor: 'api_token:bootstrap' },
    ]);
  });
});
