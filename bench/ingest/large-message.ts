// A synthetic oversized message (a text part and one large base64 attachment) for the
// ingest benchmark's memory check: real mail of this size exists, corpora rarely hold it.
import { randomBytes } from 'node:crypto';

/** Base64 in 76-character lines written straight into one Buffer, as a fetched message would arrive. */
function base64Lines(data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(Math.ceil(data.length / 57) * 78);
  let at = 0;
  for (let i = 0; i < data.length; i += 57) {
    at += out.write(data.subarray(i, i + 57).toString('base64'), at, 'latin1');
    at += out.write('\r\n', at, 'latin1');
  }
  return out.subarray(0, at);
}

export function largeMessage(attachmentMb: number): Buffer {
  const payload = base64Lines(randomBytes(Math.round(attachmentMb * 1024 * 1024)));
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
  return Buffer.concat([Buffer.from(`${head}\r\n`), payload, Buffer.from('--b1--\r\n')]);
}
