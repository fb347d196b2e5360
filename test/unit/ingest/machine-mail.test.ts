import { describe, expect, it } from 'vitest';
import { classifyMachineMail, rateLimitFinding } from '../../../src/ingest/guard/machine-mail.js';
import { defaultMailHandling, type GuardOptions } from '../../../src/ingest/mail-options.js';
import { parseMail } from '../../../src/ingest/parse/parse-mail.js';
import { readCorpusMail } from '../parse/support/mail-corpus.js';

const LIMITS = { maxAttachmentBytes: 1_000_000, maxMessageBytes: 10_000_000 };
const MAILBOX = 'support@intake.test';
const defaults = (): GuardOptions => defaultMailHandling().guard;

function mail(headers: string[], body = 'Hello, a question about my order.'): Buffer {
  return Buffer.from(
    [
      'From: Ann <ann@customer.test>',
      `To: ${MAILBOX}`,
      'Message-ID: <m1@customer.test>',
      'Date: Mon, 10 Oct 2022 10:00:00 +0000',
      ...headers,
      ...(headers.some((h) => /^subject:/i.test(h)) ? [] : ['Subject: My order']),
      ...(headers.some((h) => /^content-type:/i.test(h)) ? [] : ['Content-Type: text/plain; charset=utf-8']),
      '',
      body,
      '',
    ].join('\r\n'),
  );
}

async function classify(raw: Buffer, options = defaults()) {
  return classifyMachineMail(await parseMail(raw, LIMITS), MAILBOX, options);
}

function dsn(originalId: string): Buffer {
  return Buffer.from(
    [
      'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>',
      `To: ${MAILBOX}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Auto-Submitted: auto-replied',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.customer.test',
      '',
      'Final-Recipient: rfc822; gone@customer.test',
      'Action: failed',
      'Status: 5.1.1',
      '--b1',
      'Content-Type: text/rfc822-headers',
      '',
      `From: ${MAILBOX}`,
      `Message-ID: <${originalId}>`,
      'Subject: Re: My order',
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

describe('classifyMachineMail()', () => {
  it('classifyMachineMail(): when a person wrote the mail, finds nothing', async () => {
    expect(await classify(mail([]))).toBeNull();
  });

  it('classifyMachineMail(): when Auto-Submitted is auto-replied (RFC 3834), finds auto_submitted; "no" is a person', async () => {
    expect((await classify(mail(['Auto-Submitted: auto-replied'])))?.class).toBe('auto_submitted');
    expect(await classify(mail(['Auto-Submitted: no']))).toBeNull();
  });

  it.each(['junk', 'auto_reply'])('classifyMachineMail(): when Precedence is %s, finds precedence', async (v) => {
    expect((await classify(mail([`Precedence: ${v}`])))?.class).toBe('precedence');
  });

  it.each(['bulk', 'list'])('classifyMachineMail(): when Precedence is %s, counts it as list mail (mailing_list)', async (v) => {
    const options = { ...defaults(), mailingList: 'suppress' as const };
    expect((await classify(mail([`Precedence: ${v}`]), options))?.class).toBe('mailing_list');
    expect(await classify(mail([`Precedence: ${v}`]))).toBeNull();
  });

  it('classifyMachineMail(): when X-Auto-Response-Suppress says All/OOF, finds auto_response_suppress', async () => {
    expect((await classify(mail(['X-Auto-Response-Suppress: DR, OOF, AutoReply'])))?.class).toBe('auto_response_suppress');
  });

  it.each(['X-Autoreply: yes', 'X-Autorespond: Automatic reply'])('classifyMachineMail(): when %s, finds auto_reply_header', async (h) => {
    expect((await classify(mail([h])))?.class).toBe('auto_reply_header');
  });

  it.each([
    'Out of Office: My order',
    'Automatic reply: My order',
    'Autoreply: My order',
    'Abwesenheitsnotiz: My order',
    'Automatische Antwort: Ihre Bestellung',
    'Réponse automatique : Ma commande',
    'Absence du bureau',
    'Fuera de la oficina: Mi pedido',
    'Respuesta automática: Mi pedido',
    'AW: Abwesenheitsnotiz',
  ])('classifyMachineMail(): when the subject is the out-of-office %j, finds out_of_office', async (subject) => {
    expect((await classify(mail([`Subject: ${subject}`])))?.class).toBe('out_of_office');
  });

  it('classifyMachineMail(): when a person merely mentions being out of office later in a subject, finds nothing', async () => {
    expect(await classify(mail(['Subject: Question about your out of office policy']))).toBeNull();
  });

  it('classifyMachineMail(): when List-Id or List-Unsubscribe is set and list mail is suppressed, finds mailing_list', async () => {
    const options = { ...defaults(), mailingList: 'suppress' as const };
    expect((await classify(mail(['List-Id: <news.customer.test>']), options))?.class).toBe('mailing_list');
    expect((await classify(mail(['List-Unsubscribe: <mailto:u@customer.test>']), options))?.class).toBe('mailing_list');
  });

  it('classifyMachineMail(): when a DSN (multipart/report delivery-status) arrives, finds bounce with the original Message-ID', async () => {
    const f = await classify(dsn('orig-1@intake.test'));
    expect(f?.class).toBe('bounce');
    expect(f?.originalMessageIds?.[0]).toBe('orig-1@intake.test');
  });

  it('classifyMachineMail(): when the fixture bounces from Fastmail and SES arrive, finds bounce', async () => {
    for (const file of ['postal-mime/bounce.eml', 'mailparser/delivery-status.eml']) {
      expect(classifyMachineMail(await parseMail(readCorpusMail(file), LIMITS), MAILBOX, defaults())?.class).toBe('bounce');
    }
  });

  it('classifyMachineMail(): when an ARF feedback report arrives, finds complaint', async () => {
    const raw = mail(
      ['Content-Type: multipart/report; report-type=feedback-report; boundary="b"'],
      '--b\r\nContent-Type: text/plain\r\n\r\nabuse\r\n--b--',
    );
    expect((await classify(raw))?.class).toBe('complaint');
  });

  it.each(['MAILER-DAEMON@mx.test', 'postmaster@mx.test'])(
    'classifyMachineMail(): when the sender is %s, finds system_sender',
    async (from) => {
      const raw = Buffer.from(mail([]).toString().replace('Ann <ann@customer.test>', from));
      expect((await classify(raw))?.class).toBe('system_sender');
    },
  );

  it("classifyMachineMail(): when the mail comes from the mailbox's own address, finds own_address", async () => {
    const raw = Buffer.from(mail([]).toString().replace('Ann <ann@customer.test>', `Support <${MAILBOX.toUpperCase()}>`));
    expect((await classify(raw))?.class).toBe('own_address');
  });

  it('classifyMachineMail(): when a class is set to allow, the next class that applies decides', async () => {
    const raw = mail(['Auto-Submitted: auto-replied', 'Subject: Out of Office']);
    expect((await classify(raw, { ...defaults(), autoSubmitted: 'allow' }))?.class).toBe('out_of_office');
    expect(await classify(raw, { ...defaults(), autoSubmitted: 'allow', outOfOffice: 'allow' })).toBeNull();
  });
});

describe('rateLimitFinding()', () => {
  it('rateLimitFinding(): when the sender opened fewer tickets than the limit, lets the mail through; at the limit, trips', () => {
    const o = defaults();
    expect(rateLimitFinding(o.rateLimit.maxNewTicketsPerSender - 1, o)).toBeNull();
    expect(rateLimitFinding(o.rateLimit.maxNewTicketsPerSender, o)?.class).toBe('rate_limit');
  });
});
