// A synthetic oversized message (a text part and one large base64 attachment) for the
// ingest benchmark's memory check: real mail of this size exists, corpora rarely hold it.
import { randomBytes } from 'node:crypto';

export function largeMessage(attachmentMb: number): Buffer {
  const payload = randomBytes(Math.round(attachmentMb * 1024 * 1024))
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  const head = [
    'From: Sender <sender@example.net>',
    'To: desk@example.com',
    'Subject: Scans of the signed contract',
    'Date: Tue, 24 Nov 2026 10:00:00 +0000',
    'Message-ID: <large-bench@example.net>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Please find the scans attached.',
    '--b1',
    'Content-Type: application/pdf; name="scans.pdf"',
    'Content-Disposition: attachment; filename="scans.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n`), Buffer.from(payload), Buffer.from('\r\n--b1--\r\n')]);
}
