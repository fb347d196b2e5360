// Small builders of RFC 5322 mail for the issue-15 integration tests, and readers of the
// daemon's store, so each test says only what differs.
import type { Db } from '../../../src/store/database.js';

export interface MailSpec {
  from: string;
  to: string;
  subject: string;
  messageId: string;
  inReplyTo?: string;
  headers?: string[];
  body?: string;
  contentType?: string;
}

export function rawMail(m: MailSpec): string {
  return [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Message-ID: <${m.messageId}>`,
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`, `References: <${m.inReplyTo}>`] : []),
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    ...(m.headers ?? []),
    `Content-Type: ${m.contentType ?? 'text/plain; charset=utf-8'}`,
    '',
    m.body ?? 'Hello, could you help me with my order?',
    '',
  ].join('\r\n');
}

export function dsnFor(mailbox: string, originalId: string): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>',
    `To: ${mailbox}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <dsn-${originalId}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn1"',
    '',
    '--dsn1',
    'Content-Type: text/plain',
    '',
    'This is the mail system. Your message could not be delivered.',
    '--dsn1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.customer.test',
    '',
    'Final-Recipient: rfc822; gone@customer.test',
    'Action: failed',
    'Status: 5.1.1',
    '--dsn1',
    'Content-Type: text/rfc822-headers',
    '',
    `From: ${mailbox}`,
    'To: gone@customer.test',
    `Message-ID: <${originalId}>`,
    'Subject: Re: My order',
    '--dsn1--',
    '',
  ].join('\r\n');
}

export function count(db: Db, sql: string, ...params: unknown[]): number {
  return (db.prepare(sql).get(...params) as { n: number }).n;
}

export function mailboxId(db: Db, email: string): number {
  return (db.prepare('SELECT id FROM mailboxes WHERE email = ?').get(email) as { id: number }).id;
}
