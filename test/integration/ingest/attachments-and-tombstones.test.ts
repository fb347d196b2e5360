import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { count, mailboxId, rawMail } from './support.js';

interface AttachmentView {
  id: number;
  filename: string;
  contentType: string;
  stored: boolean;
  omittedReason: string | null;
  url: string | null;
  contentId: string | null;
}
interface TicketView {
  messages: { id: number; html: string | null; attachments: AttachmentView[] }[];
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const PDF = Buffer.from('%PDF-1.4 a small but real-looking document body for the dedupe test\n');
const b64 = (b: Buffer) => b.toString('base64').replace(/(.{76})/g, '$1\r\n');

/** HTML with a cid: image, a PDF attachment with a non-ASCII name, TNEF, an S/MIME signature, and one attachment over the cap. */
function richMail(box: string, messageId: string, big: Buffer): string {
  return [
    'From: Dora <dora@customer.test>',
    `To: ${box}`,
    `Subject: Invoice ${messageId}`,
    `Message-ID: <${messageId}>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: multipart/related; boundary="rel"',
    '',
    '--rel',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p onmouseover="alert(1)">See the logo <img src="cid:logo@dora"> and <img src="https://tracker.test/p.gif"></p><script>alert(2)</script>',
    '--rel',
    'Content-Type: image/png',
    'Content-ID: <logo@dora>',
    'Content-Disposition: inline; filename="logo.png"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(PNG),
    '--rel--',
    '--mix',
    "Content-Type: application/pdf; name*=UTF-8''Rechnung%20M%C3%A4rz.pdf",
    "Content-Disposition: attachment; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf",
    'Content-Transfer-Encoding: base64',
    '',
    b64(PDF),
    '--mix',
    'Content-Type: application/ms-tnef; name="winmail.dat"',
    'Content-Disposition: attachment; filename="winmail.dat"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(Buffer.from([0x78, 0x9f, 0x3e, 0x22, 1, 2, 3, 4])),
    '--mix',
    'Content-Type: application/pkcs7-signature; name="smime.p7s"',
    'Content-Disposition: attachment; filename="smime.p7s"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(Buffer.from('3082 fake signature bytes')),
    '--mix',
    'Content-Type: application/octet-stream; name="big.bin"',
    'Content-Disposition: attachment; filename="big.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(big),
    '--mix--',
    '',
  ].join('\r\n');
}

describe('attachments, and tombstones that keep deleted mail deleted', () => {
  let fake: FakeGoogle;
  let t: TestDaemon;
  const CAP = 4096;

  beforeAll(async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake, { ingest: { maxAttachmentBytes: CAP } });
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  /** intake_sync_already_landed_total: listed messages a sync did not queue again. */
  const alreadyLanded = async () => {
    const text = await (await fetch(`${t.daemon.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('intake_sync_already_landed_total '));
    return line === undefined ? 0 : Number(line.split(' ')[1]);
  };

  const messageRow = (mb: number, mid: string) =>
    t.daemon.db.prepare('SELECT id, ticket_id FROM messages WHERE mailbox_id = ? AND message_id_header = ?').get(mb, mid) as
      { id: number; ticket_id: number } | undefined;

  it('attachments: stored once per SHA-256, served as downloads with nosniff and a CSP sandbox, cid: images resolved', async () => {
    const box = 'files@intake.test';
    fake.addUser(box);
    await t.connect(box);
    const big = Buffer.alloc(CAP * 2, 7);
    fake.deliver(box, richMail(box, 'f1@customer.test', big));
    fake.deliver(box, richMail(box, 'f2@customer.test', big));
    const mb = mailboxId(t.daemon.db, box);
    await waitFor(
      () => count(t.daemon.db, 'SELECT COUNT(*) AS n FROM messages WHERE mailbox_id = ?', mb),
      (n) => n === 2,
    );
    const pdfSha = (
      t.daemon.db.prepare("SELECT sha256 FROM attachments WHERE content_type = 'application/pdf' LIMIT 1").get() as { sha256: string }
    ).sha256;
    expect(t.daemon.db.prepare('SELECT ref_count FROM attachment_blobs WHERE sha256 = ?').get(pdfSha)).toEqual({ ref_count: 2 });
    expect(count(t.daemon.db, 'SELECT COUNT(*) AS n FROM attachments WHERE sha256 = ?', pdfSha)).toBe(2);

    const row = messageRow(mb, 'f1@customer.test');
    const ticket = (await t.api<TicketView>(`/api/tickets/${row?.ticket_id}`)).body;
    const msg = ticket.messages.find((m) => m.id === row?.id);
    const names = msg?.attachments.map((a) => a.filename);
    expect(names).toEqual(expect.arrayContaining(['logo.png', 'Rechnung März.pdf', 'winmail.dat', 'smime.p7s', 'big.bin']));
    const logo = msg?.attachments.find((a) => a.filename === 'logo.png');
    expect(msg?.html).toContain(`src="/api/attachments/${logo?.id}"`);
    expect(msg?.html).not.toMatch(/script|onmouseover|tracker\.test/);
    const over = msg?.attachments.find((a) => a.filename === 'big.bin');
    expect(over).toMatchObject({ stored: false, url: null });
    expect(over?.omittedReason).toMatch(/maxAttachmentBytes/);
    for (const name of ['winmail.dat', 'smime.p7s']) expect(msg?.attachments.find((a) => a.filename === name)?.stored).toBe(true);

    const pdf = msg?.attachments.find((a) => a.contentType === 'application/pdf');
    const res = await fetch(`${t.daemon.url}${pdf?.url}`, { headers: { authorization: `Bearer ${t.apiToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Rechnung M_rz.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
    const missing = await fetch(`${t.daemon.url}/api/attachments/${over?.id}`, { headers: { authorization: `Bearer ${t.apiToken}` } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/not kept/);
    expect((await fetch(`${t.daemon.url}${pdf?.url}`)).status).toBe(401);

    // Deleting one ticket drops one reference; the bytes stay for the other.
    expect((await t.api(`/api/tickets/${row?.ticket_id}`, { method: 'DELETE' })).status).toBe(200);
    expect(t.daemon.db.prepare('SELECT ref_count FROM attachment_blobs WHERE sha256 = ?').get(pdfSha)).toEqual({ ref_count: 1 });
    const other = messageRow(mb, 'f2@customer.test');
    await t.api(`/api/tickets/${other?.ticket_id}`, { method: 'DELETE' });
    expect(count(t.daemon.db, 'SELECT COUNT(*) AS n FROM attachment_blobs WHERE sha256 = ?', pdfSha)).toBe(0);
  });

  it('tombstones: a deleted ticket is not imported again by a full resync (history expired)', async () => {
    const box = 'resync@intake.test';
    fake.addUser(box);
    await t.connect(box);
    const mb = mailboxId(t.daemon.db, box);
    const gmail = fake.deliver(box, rawMail({ from: 'eve@customer.test', to: box, subject: 'Delete me', messageId: 'd1@customer.test' }));
    const first = await waitFor(
      () => messageRow(mb, 'd1@customer.test'),
      (r) => r !== undefined,
    );
    const del = await t.api<{ deleted: boolean; messages: number }>(`/api/tickets/${first?.ticket_id}`, { method: 'DELETE' });
    expect(del.body).toMatchObject({ deleted: true, messages: 1 });
    expect((await t.api(`/api/tickets/${first?.ticket_id}`)).status).toBe(404);
    // Finished jobs are pruned in time; without them nothing but the tombstone stops the re-import.
    t.daemon.db.prepare("DELETE FROM jobs WHERE mailbox_id = ? AND state = 'completed'").run(mb);
    const landedBefore = await alreadyLanded();
    fake.expireHistory(box);
    fake.deliver(box, rawMail({ from: 'fay@customer.test', to: box, subject: 'Marker after the resync', messageId: 'd2@customer.test' }));
    // A stored cursor older than Gmail's history makes the next pass a full resync (404 from history.list);
    // set again until a resync has started, in case a pass in flight saved a newer one.
    const resyncs = () => {
      const row = t.daemon.db.prepare('SELECT resyncs FROM sync_state WHERE mailbox_id = ?').get(mb) as { resyncs: number };
      if (row.resyncs === 0) t.daemon.db.prepare("UPDATE sync_state SET history_id = '1' WHERE mailbox_id = ?").run(mb);
      return row.resyncs;
    };
    expect(await waitFor(resyncs, (n) => n >= 1)).toBeGreaterThanOrEqual(1);
    await waitFor(
      () => messageRow(mb, 'd2@customer.test'),
      (r) => r !== undefined,
    );
    expect(messageRow(mb, 'd1@customer.test')).toBeUndefined();
    expect(
      count(t.daemon.db, 'SELECT COUNT(*) AS n FROM tombstones WHERE mailbox_id = ? AND message_id_header = ?', mb, 'd1@customer.test'),
    ).toBe(1);
    // The resync did list d1 again: its tombstone kept it from being queued at all.
    expect(await alreadyLanded()).toBeGreaterThan(landedBefore);
    expect(t.daemon.db.prepare('SELECT 1 FROM jobs WHERE id = ?').get(`ingest:${mb}:${gmail.id}`)).toBeUndefined();
  });

  it('tombstones: a deleted message is not imported again after a reconnect, even under a new provider id', async () => {
    const box = 'reconnect@intake.test';
    fake.addUser(box);
    await t.connect(box);
    const mb = mailboxId(t.daemon.db, box);
    const raw = rawMail({ from: 'gus@customer.test', to: box, subject: 'Question', messageId: 'g1@customer.test' });
    fake.deliver(box, raw);
    // The question lands first, so the reply joins its ticket (a reply ingested alone would be a
    // ticket of its own, and deleting it would delete that ticket).
    await waitFor(
      () => messageRow(mb, 'g1@customer.test'),
      (r) => r !== undefined,
    );
    fake.deliver(
      box,
      rawMail({
        from: 'gus@customer.test',
        to: box,
        subject: 'Re: Question',
        messageId: 'g2@customer.test',
        inReplyTo: 'g1@customer.test',
      }),
    );
    const reply = await waitFor(
      () => messageRow(mb, 'g2@customer.test'),
      (r) => r !== undefined,
    );
    const del = await t.api<{ deleted: boolean; ticketDeleted: boolean }>(`/api/messages/${reply?.id}`, { method: 'DELETE' });
    expect(del.body).toMatchObject({ deleted: true, ticketDeleted: false });
    expect((await t.api(`/api/mailboxes/${mb}`, { method: 'DELETE' })).status).toBe(200);
    expect(await t.connect(box)).toBe(200);
    fake.expireHistory(box);
    // The same message arrives again under a new Gmail id (as after a re-import): refused by its Message-ID.
    fake.deliver(
      box,
      rawMail({
        from: 'gus@customer.test',
        to: box,
        subject: 'Re: Question',
        messageId: 'g2@customer.test',
        inReplyTo: 'g1@customer.test',
      }),
    );
    fake.deliver(box, rawMail({ from: 'hal@customer.test', to: box, subject: 'Marker after reconnect', messageId: 'g3@customer.test' }));
    await waitFor(
      () => messageRow(mb, 'g3@customer.test'),
      (r) => r !== undefined,
    );
    await waitFor(
      () => count(t.daemon.db, "SELECT COUNT(*) AS n FROM jobs WHERE mailbox_id = ? AND state IN ('waiting', 'active')", mb),
      (n) => n === 0,
    );
    expect(messageRow(mb, 'g2@customer.test')).toBeUndefined();
    expect(messageRow(mb, 'g1@customer.test')).toBeDefined();
  });
});
