// Field-level expectations for real messages. Each value was read from the message itself (and
// cross-checked with Python's email package), never taken from parseMail's own output.

import { describe, expect, it } from 'vitest';
import { parseMail } from '../../../src/ingest/parse/index.js';
import { readCorpusMail } from './support/mail-corpus.js';
import { expectInvariants } from './support/invariants.js';

const LIMITS = { maxAttachmentBytes: 10 * 1024 * 1024, maxMessageBytes: 25 * 1024 * 1024 };

describe('parseMail() on real messages', () => {
  it('parseMail(): when a multipart message carries a GIF attachment (cpython msg_07), returns body, headers and the attachment', async () => {
    const raw = readCorpusMail('cpython/msg_07.txt');
    const message = await parseMail(raw, LIMITS);
    expectInvariants(message, raw);
    expect(message.subject).toBe('Here is your dingus fish');
    expect(message.from).toEqual({ address: 'barry@digicool.com', name: 'Barry' });
    expect(message.to).toEqual([{ address: 'cravindogs@cravindogs.com', name: 'Dingus Lovers' }]);
    expect(message.date).toBe(Date.UTC(2001, 3, 20, 23, 35, 2)); // Fri, 20 Apr 2001 19:35:02 -0400
    expect(message.text).toBe('Hi there,\n\nThis is the dingus fish.\n');
    expect(message.html).toBeNull();
    expect(message.messageId).toBeNull();
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({
      filename: 'dingusfish.gif',
      contentType: 'image/gif',
      size: 3512,
      sha256: '354288075c6cd6c6a99180ef60b99f599b4e3d6c28bd67c29adc736079e52a84',
      omittedReason: null,
      contentId: null,
      inline: false,
    });
    expect(message.attachments[0]?.content?.subarray(0, 6).toString('latin1')).toBe('GIF87a');
    expect(message.headers.get('content-type')).toEqual(['multipart/mixed; boundary="BOUNDARY"']);
    expect(message.problems).toEqual([]);
  });

  it('parseMail(): when the Subject holds an RFC 2047 Q word (nodemailer.eml), decodes it and keeps the raw header', async () => {
    const message = await parseMail(readCorpusMail('mailparser/nodemailer.eml'), LIMITS);
    expect(message.subject).toBe('Nodemailer is unicode friendly ✔ (1476358788189)');
    expect(message.headers.get('subject')).toEqual(['Nodemailer is unicode friendly =?UTF-8?Q?=E2=9C=94?= (1476358788189)']);
    expect(message.messageId).toBe('012d606e-3550-2d94-b566-6cd996de88e3@kreata.ee');
    expect(message.from).toEqual({ address: 'andris@kreata.ee', name: 'Andris Kreata' });
    expect(message.to).toEqual([
      { address: 'andris+123@kreata.ee', name: 'Andris Reinman' },
      { address: 'andris.reinman@gmail.com', name: '' },
    ]);
    expect(message.date).toBe(Date.UTC(2016, 9, 13, 11, 39, 48));
    expect(message.headers.get('received')).toHaveLength(3);
    const nyan = message.attachments.find((a) => a.contentId === 'nyan@example.com');
    expect(nyan).toMatchObject({ filename: 'nyan cat ✔.gif', contentType: 'image/gif', size: 29361, inline: true });
    expect(nyan?.sha256).toBe('c9c06996e64d1e1056a84823751e31d041d79f20caa027ef993ffa95b45707db');
  });

  it('parseMail(): when a display name and the subject are encoded words in two charsets (qp-utf8-header.raw), decodes both', async () => {
    const message = await parseMail(readCorpusMail('enmime/mail/qp-utf8-header.raw'), LIMITS);
    expect(message.subject).toBe('MIME UTF8 Test ¢ More Text');
    expect(message.to).toEqual([{ address: 'marczak@inbucket.com', name: 'Mirosław Marczak' }]);
    expect(message.from).toEqual({ address: 'jamehi03@jamehi03lx.noa.com', name: 'James Hillyerd' });
    expect(message.messageId).toBe('5081A889.3020108@jamehi03lx.noa.com');
  });

  it('parseMail(): when a multipart message has only an HTML body (html-only-inline.raw), derives text from the HTML', async () => {
    const raw = readCorpusMail('enmime/mail/html-only-inline.raw');
    const message = await parseMail(raw, LIMITS);
    expectInvariants(message, raw);
    expect(message.html).toContain('<font class="Apple-style-span" face="\'Comic Sans MS\'">Test of HTML section</font>');
    expect(message.text).toBe('Test of HTML section');
    expect(message.date).toBe(Date.UTC(2012, 9, 13, 22, 33, 7)); // Sat, 13 Oct 2012 15:33:07 -0700
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({
      filename: 'favicon.png',
      contentType: 'image/png',
      size: 687,
      sha256: 'b2da38772091039c7ad57eda8c1c99f50b714f7eff56335c56ad5c2af44082bd',
      contentId: '8B8481A2-25CA-4886-9B5A-8EB9115DD064@skynet',
      inline: true,
    });
  });

  it('parseMail(): when a reply carries In-Reply-To and folded References (SpamAssassin easy_ham 00292), returns the ids in order', async () => {
    const message = await parseMail(readCorpusMail('spamassassin/easy-ham-1-00292-latin1-reply.eml'), LIMITS);
    expect(message.messageId).toBe('20021009042734.049ea20e.kilroy@kamakiriad.com');
    expect(message.inReplyTo).toBe('20021009110311.32c22ea5.matthias@rpmforge.net');
    expect(message.references).toEqual(['20021008175452.581c0e50.kilroy@kamakiriad.com', '20021009110311.32c22ea5.matthias@rpmforge.net']);
    expect(message.subject).toBe("Re: Apt repository authentication: it's time");
    expect(message.replyTo).toEqual({ address: 'rpm-zzzlist@freshrpms.net', name: '' });
    expect(message.date).toBe(Date.UTC(2002, 9, 9, 9, 27, 34)); // Wed, 9 Oct 2002 04:27:34 -0500
  });

  it('parseMail(): when an 8-bit body is declared ISO-8859-1 (SpamAssassin easy_ham 00292), decodes it to Unicode', async () => {
    const message = await parseMail(readCorpusMail('spamassassin/easy-ham-1-00292-latin1-reply.eml'), LIMITS);
    expect(message.text).toContain('Brian Fahrländer');
    expect(message.text).toContain('angegangen, Schlange-Hüften, sein es ganz rüber jetzt. Bügel innen fest,');
    expect(message.text).not.toContain('\uFFFD');
    expect(message.problems).toEqual([]);
  });

  it('parseMail(): when subject and body are ISO-2022-JP (SpamAssassin hard_ham 00042), decodes both', async () => {
    const message = await parseMail(readCorpusMail('spamassassin/hard-ham-1-00042-iso-2022-jp.eml'), LIMITS);
    expect(message.subject).toBe('Re: 三菱化学エンジニアリング様プロセスダウンについて  - ticket #55606OTC1 -');
    expect(message.text.startsWith('OTC/伊東様\nお世話になっております。\n')).toBe(true);
    expect(message.cc).toEqual([{ address: 'michaelb@opentext.com', name: '' }]);
    expect(message.replyTo).toEqual({ address: 'hito@opentext.com', name: '' });
    expect(message.messageId).toBe('000d01c22919$c5890e10$a883a8c0@wl.opentext.com');
  });

  it('parseMail(): when a quoted-printable alternative replies to a message (SpamAssassin easy_ham 00063), decodes the text and reads In-Reply-To', async () => {
    const message = await parseMail(readCorpusMail('spamassassin/easy-ham-1-00063-alternative-reply.eml'), LIMITS);
    expect(message.inReplyTo).toBe('00c401c25039$7b055460$976fa8c0@cfl.rr.com');
    expect(message.references).toEqual([]);
    expect(message.from).toEqual({ address: 'javier@linkcreations.com.mx', name: 'Javier Cota' });
    expect(message.text).toContain('we can´t swap with you');
    expect(message.text).toContain('Integración tecnológica');
  });

  it('parseMail(): when a list message carries References and Reply-To (large_text.eml), reads both', async () => {
    const message = await parseMail(readCorpusMail('mailparser/large_text.eml'), LIMITS);
    expect(message.references).toEqual(['20090529095654.29876.20294.malonedeb@gangotri.canonical.com']);
    expect(message.messageId).toBe('20110803174319.6306.2052.malone@wampee.canonical.com');
    expect(message.replyTo).toEqual({ address: '381598@bugs.launchpad.net', name: 'Bug 381598' });
    expect(message.text.length).toBeGreaterThan(1_000_000);
  });

  it('parseMail(): when a text part names a charset nobody knows (unk-charset-part.raw), reports it without failing', async () => {
    const message = await parseMail(readCorpusMail('enmime/low-quality/unk-charset-part.raw'), LIMITS);
    expect(message.problems).toContain('charset fakescii decoded as UTF-8');
    expect(message.subject).toBe('Attachment');
  });

  it('parseMail(): when From has no address (cpython msg_05 "From: foo"), keeps the name and reports it', async () => {
    const message = await parseMail(readCorpusMail('cpython/msg_05.txt'), LIMITS);
    expect(message.from).toEqual({ address: '', name: 'foo' });
    expect(message.problems).toContain('From header has no readable address');
  });
});
