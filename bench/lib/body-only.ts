// The text-only view of a message (bench:spam --body-only): every header but Subject is
// dropped, and the decoded text and HTML are written back as UTF-8 under one fixed MIME
// frame, so no filter can learn anything from the envelope, the mailer or the encoding.

const BOUNDARY = 'intake-body-only';

export interface BodyParts {
  subject: string;
  text: string;
  html: string;
}

export function bodyOnlyRaw(m: BodyParts): Buffer {
  const subject = `Subject: ${encodeWord(m.subject.replace(/[\r\n]+/g, ' '))}`;
  const plain = 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit';
  const html = 'Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit';
  if (!m.html) return Buffer.from(`${subject}\r\nMIME-Version: 1.0\r\n${plain}\r\n\r\n${crlf(m.text)}\r\n`);
  const parts = [`--${BOUNDARY}\r\n${plain}\r\n\r\n${crlf(m.text)}`, `--${BOUNDARY}\r\n${html}\r\n\r\n${crlf(m.html)}`];
  const head = `${subject}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="${BOUNDARY}"`;
  return Buffer.from(`${head}\r\n\r\n${parts.join('\r\n')}\r\n--${BOUNDARY}--\r\n`);
}

/** RFC 2047 B-encoding when the subject is not plain ASCII. */
function encodeWord(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;
}

function crlf(s: string): string {
  // A body line equal to the boundary would end the part early; none of ours start so.
  return s.replace(/\r?\n/g, '\r\n').replace(new RegExp(`^--${BOUNDARY}`, 'gm'), ` --${BOUNDARY}`);
}
