// Hostile and generated mail, built in code from a seed (no large files in the repository):
// one builder per hostile class of issue 13, and a fuzzer of MIME variants. The same seed
// always yields the same bytes, so a failure reproduces.
import { gzipSync } from 'node:zlib';

/** mulberry32: small, fast, seeded; not for secrets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytesSeeded(length: number, seed: number): Buffer {
  const rnd = seededRandom(seed);
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i += 4) {
    const v = Math.floor(rnd() * 4294967296);
    out[i] = v & 0xff;
    if (i + 1 < length) out[i + 1] = (v >>> 8) & 0xff;
    if (i + 2 < length) out[i + 2] = (v >>> 16) & 0xff;
    if (i + 3 < length) out[i + 3] = v >>> 24;
  }
  return out;
}

const MB = 1024 * 1024;
const CRLF = '\r\n';
const HEAD = ['From: Sender <sender@example.net>', 'To: desk@example.com', 'Date: Tue, 24 Nov 2026 10:00:00 +0000', 'MIME-Version: 1.0'];

function message(headers: string[], body: string | Buffer): Buffer {
  const head = Buffer.from([...headers, '', ''].join(CRLF), 'latin1');
  return Buffer.concat([head, typeof body === 'string' ? Buffer.from(body, 'latin1') : body]);
}

/** Base64 in 76-character lines, written straight into one Buffer (no message-sized strings). */
function base64Lines(data: Buffer): Buffer {
  const lines = Math.ceil(data.length / 57);
  const out = Buffer.allocUnsafe(lines * 78);
  let at = 0;
  for (let i = 0; i < data.length; i += 57) {
    at += out.write(data.subarray(i, i + 57).toString('base64'), at, 'latin1');
    at += out.write(CRLF, at, 'latin1');
  }
  return out.subarray(0, at);
}

/** `size` bytes of `pattern` repeated, filled natively. */
function repeated(pattern: string, size: number): Buffer {
  return Buffer.alloc(size).fill(pattern, 'latin1');
}

function attachmentMessage(subject: string, content: Buffer, name: string, type = 'application/octet-stream'): Buffer {
  const head = [...HEAD, `Subject: ${subject}`, 'Content-Type: multipart/mixed; boundary="att"'];
  const parts = [
    '--att',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'See attached.',
    '--att',
    `Content-Type: ${type}; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    '',
  ].join(CRLF);
  return Buffer.concat([message(head, parts), base64Lines(content), Buffer.from(`${CRLF}--att--${CRLF}`)]);
}

function nestedMultipart(depth: number): Buffer {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < depth; i++) {
    open.push(`--n${i}`, `Content-Type: multipart/mixed; boundary="n${i + 1}"`, '');
    close.unshift(`--n${i}--`);
  }
  const body = [...open, `--n${depth}`, 'Content-Type: text/plain', '', 'deep inside', `--n${depth}--`, ...close, ''].join(CRLF);
  return message([...HEAD, `Subject: ${depth} nested multiparts`, 'Content-Type: multipart/mixed; boundary="n0"'], body);
}

function nestedRfc822(depth: number): Buffer {
  let inner = message([...HEAD, 'Subject: innermost', 'Content-Type: text/plain'], 'the innermost message');
  for (let i = 0; i < depth; i++) {
    const head = [...HEAD, `Subject: wrapper ${i}`, `Content-Type: multipart/mixed; boundary="r${i}"`];
    const body = Buffer.concat([
      Buffer.from(['--r' + i, 'Content-Type: message/rfc822', 'Content-Disposition: inline', '', ''].join(CRLF)),
      inner,
      Buffer.from(`${CRLF}--r${i}--${CRLF}`),
    ]);
    inner = message(head, body);
  }
  return inner;
}

function manyParts(count: number, attachment: boolean): Buffer {
  const chunks: string[] = [];
  for (let i = 0; i < count; i++) {
    chunks.push('--many');
    if (attachment) {
      chunks.push(
        `Content-Type: application/octet-stream; name="f${i}.bin"`,
        `Content-Disposition: attachment; filename="f${i}.bin"`,
        'Content-Transfer-Encoding: base64',
        '',
        'AAECAwQFBgc=',
      );
    } else chunks.push('Content-Type: text/plain', '', `part ${i}`);
  }
  chunks.push('--many--', '');
  const label = attachment ? 'attachments' : 'parts';
  return message([...HEAD, `Subject: ${count} ${label}`, 'Content-Type: multipart/mixed; boundary="many"'], chunks.join(CRLF));
}

/** A well-formed multipart message that the truncation class cuts at many points. */
export function truncationBase(): Buffer {
  return message(
    [
      ...HEAD,
      'Subject: =?utf-8?q?Caf=C3=A9_order?=',
      'Message-ID: <trunc@example.net>',
      'Content-Type: multipart/alternative; boundary="alt"',
    ],
    [
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Hello, the order caf=C3=A9 is late.',
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Hello, the order <b>café</b> is late.</p>',
      '--alt--',
      '',
    ].join(CRLF),
  );
}

function gzipBomb(uncompressedMb: number): Buffer {
  // Concatenated gzip members are one valid gzip file; each member inflates to 1 MB of zeros.
  const member = gzipSync(Buffer.alloc(MB), { level: 9 });
  return Buffer.concat(Array.from({ length: uncompressedMb }, () => member));
}

export interface HostileClass {
  name: string;
  /** Runs in the child process whose peak RSS is measured, one message at a time. */
  heavy: boolean;
  build(): Buffer[];
}

const one = (b: () => Buffer) => () => [b()];

export const HOSTILE_CLASSES: HostileClass[] = [
  {
    name: 'truncated at any point',
    heavy: false,
    build: () => {
      const base = truncationBase();
      return Array.from({ length: 60 }, (_v, i) => base.subarray(0, Math.floor(((i + 1) * base.length) / 61)));
    },
  },
  {
    name: '1 MB header line',
    heavy: false,
    build: one(() => message([...HEAD, 'Subject: long line', `X-Long: ${'a'.repeat(MB)}`], 'body')),
  },
  { name: '1 MB subject', heavy: false, build: one(() => message([...HEAD, `Subject: ${'subject '.repeat(MB / 8)}`], 'body')) },
  {
    name: '100k headers',
    heavy: false,
    build: one(() => message([...HEAD, 'Subject: many headers', ...Array.from({ length: 100_000 }, (_v, i) => `X-H-${i}: v${i}`)], 'body')),
  },
  {
    name: '50k recipients',
    heavy: false,
    build: one(() =>
      message(
        [...HEAD, 'Subject: many recipients', `Cc: ${Array.from({ length: 50_000 }, (_v, i) => `r${i}@example.org`).join(`,${CRLF} `)}`],
        'hi',
      ),
    ),
  },
  {
    name: '20k References',
    heavy: false,
    build: one(() =>
      message(
        [
          ...HEAD,
          'Subject: Re: long thread',
          `References: ${Array.from({ length: 20_000 }, (_v, i) => `<m${i}@example.org>`).join(`${CRLF} `)}`,
        ],
        'reply',
      ),
    ),
  },
  { name: '10k parts', heavy: false, build: one(() => manyParts(10_000, false)) },
  { name: '10k attachments', heavy: false, build: one(() => manyParts(10_000, true)) },
  { name: '500 nested multiparts', heavy: false, build: one(() => nestedMultipart(500)) },
  { name: '5,000 nested multiparts', heavy: false, build: one(() => nestedMultipart(5000)) },
  { name: '200 nested message/rfc822', heavy: false, build: one(() => nestedRfc822(200)) },
  {
    name: 'base64 garbage',
    heavy: false,
    build: one(() =>
      message(
        [...HEAD, 'Subject: garbage', 'Content-Type: text/plain', 'Content-Transfer-Encoding: base64'],
        '!!!@@@###$$$%%%^^^&&&***(((\r\n'.repeat(5000),
      ),
    ),
  },
  {
    name: 'NUL bytes',
    heavy: false,
    build: one(() =>
      message(
        [...HEAD, 'Subject: nul\u0000 in subject', 'X-Nul: a\u0000b'],
        Buffer.from('body\u0000with\u0000NULs\u0000'.repeat(1000), 'latin1'),
      ),
    ),
  },
  {
    name: 'unknown charsets and invalid UTF-8',
    heavy: false,
    build: () => [
      message(
        [...HEAD, 'Subject: =?x-klingon-42?q?=FF=FE?=', 'Content-Type: text/plain; charset="x-klingon-42"'],
        Buffer.from([0xff, 0xfe, 0x41, 0x80, 0x81]),
      ),
      message(
        [...HEAD, 'Subject: bad utf8 \xff\xfe', 'Content-Type: text/html; charset=utf-8'],
        Buffer.from([0x3c, 0x70, 0x3e, 0xc3, 0x28, 0xe2, 0x82, 0xf0, 0x9f, 0x3c]),
      ),
    ],
  },
  {
    name: '20 MB attachment',
    heavy: true,
    build: one(() => attachmentMessage('20 MB scan', randomBytesSeeded(20 * MB, 20), 'scan.pdf', 'application/pdf')),
  },
  {
    name: '25 MB attachment',
    heavy: true,
    build: one(() => attachmentMessage('25 MB scan', randomBytesSeeded(25 * MB, 25), 'scan.pdf', 'application/pdf')),
  },
  {
    name: '30 MB attachment',
    heavy: true,
    build: one(() => attachmentMessage('30 MB scan', randomBytesSeeded(30 * MB, 30), 'scan.pdf', 'application/pdf')),
  },
  {
    name: '30 MB of compressible text',
    heavy: true,
    build: one(() =>
      message(
        [...HEAD, 'Subject: big text', 'Content-Type: text/plain; charset=utf-8'],
        repeated('All work and no play makes a long ticket. ', 30 * MB),
      ),
    ),
  },
  {
    name: 'gzip bomb attachment',
    heavy: true,
    build: one(() => attachmentMessage('logs', gzipBomb(1024), 'logs.tar.gz', 'application/gzip')),
  },
  {
    name: '200k nested <div>',
    heavy: true,
    build: one(() =>
      message(
        [...HEAD, 'Subject: deep html', 'Content-Type: text/html; charset=utf-8'],
        `${'<div>'.repeat(200_000)}deep${'</div>'.repeat(200_000)}`,
      ),
    ),
  },
  {
    name: '5 MB of HTML entities',
    heavy: true,
    build: one(() =>
      message(
        [...HEAD, 'Subject: entities', 'Content-Type: text/html; charset=utf-8'],
        repeated('&amp;&#x41;&lt;&eacute;&#128512;&nbsp;', 5 * MB),
      ),
    ),
  },
  {
    name: 'broken quoted-printable and encoded words',
    heavy: false,
    build: () => [
      message(
        [
          ...HEAD,
          'Subject: =?utf-8?B?####?= =?unknown?Q?=FF?= =?utf-8?q?unterminated',
          'Content-Type: text/plain; charset=utf-8',
          'Content-Transfer-Encoding: quoted-printable',
        ],
        'broken =ZZ escape, soft break at end =\r\n=\r\nlone = sign =4',
      ),
      message(
        [
          ...HEAD,
          'Subject: =?utf-8?q?=E2=82?= =?iso-8859-1?b?AAAA',
          'Content-Type: text/plain',
          'Content-Transfer-Encoding: quoted-printable',
        ],
        '='.repeat(10_000),
      ),
    ],
  },
  { name: 'empty message', heavy: false, build: one(() => Buffer.alloc(0)) },
  { name: '1 MB of random bytes', heavy: false, build: one(() => randomBytesSeeded(MB, 1)) },
];

const CHARSETS = ['utf-8', 'iso-8859-1', 'windows-1252', 'koi8-r', 'shift_jis', 'x-unknown', 'utf-7', ''];
const ENCODINGS = ['7bit', '8bit', 'base64', 'quoted-printable', 'x-uuencode', 'binary', 'bogus'];
const TYPES = ['text/plain', 'text/html', 'application/pdf', 'image/png', 'message/rfc822', 'text/calendar', 'application/ms-tnef'];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

function fuzzBody(rnd: () => number, encoding: string): string {
  const text = pick(rnd, ['Hello there', '<p>Hi <b>you</b></p>', 'caf\xe9 na\xefve', '=?utf-8?q?x?=', '\u0000\u0001', '']);
  if (encoding === 'base64')
    return rnd() < 0.8 ? Buffer.from(text.repeat(1 + Math.floor(rnd() * 20))).toString('base64') : '$$not base64$$';
  if (encoding === 'quoted-printable') return `${text}=3D=C3=A9=\r\n${rnd() < 0.3 ? '=ZZ' : ''}`;
  return text.repeat(1 + Math.floor(rnd() * 10));
}

function fuzzPart(rnd: () => number, depth: number): string[] {
  if (depth > 0 && rnd() < 0.4) {
    const boundary = `b${depth}_${Math.floor(rnd() * 1e6)}`;
    const subtype = pick(rnd, ['mixed', 'alternative', 'related', 'signed', 'digest', 'bogus']);
    const lines = [`Content-Type: multipart/${subtype}; boundary="${boundary}"`, ''];
    const n = Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) lines.push(`--${boundary}`, ...fuzzPart(rnd, depth - 1));
    if (rnd() < 0.85) lines.push(`--${boundary}--`);
    return lines;
  }
  const type = pick(rnd, TYPES);
  const charset = pick(rnd, CHARSETS);
  const encoding = pick(rnd, ENCODINGS);
  const lines = [`Content-Type: ${type}${charset ? `; charset=${charset}` : ''}`, `Content-Transfer-Encoding: ${encoding}`];
  if (rnd() < 0.3)
    lines.push(`Content-Disposition: ${pick(rnd, ['attachment', 'inline', 'bogus'])}; filename="f\u0000${Math.floor(rnd() * 100)}.bin"`);
  if (rnd() < 0.2) lines.push(`Content-ID: <cid${Math.floor(rnd() * 100)}@x>`);
  lines.push('', fuzzBody(rnd, encoding));
  return lines;
}

/** One generated MIME variant: random structure, charsets, encodings, then random damage. */
export function fuzzVariant(seed: number): Buffer {
  const rnd = seededRandom(seed);
  const headers = [
    rnd() < 0.9 ? `From: ${pick(rnd, ['a@example.com', '"Bob" <bob@example.org>', 'broken<<@', '=?utf-8?b?w6k=?= <e@x>', ''])}` : '',
    rnd() < 0.9 ? `Subject: ${pick(rnd, ['Hello', '=?utf-8?q?caf=C3=A9?=', '=?bad?x?y?=', '\xff\xfe', 'Re: Re: Fwd:'])}` : '',
    rnd() < 0.7 ? `Date: ${pick(rnd, ['Tue, 24 Nov 2026 10:00:00 +0000', 'yesterday', '31 Feb 2026 25:61:61 +9999'])}` : '',
    rnd() < 0.6 ? `Message-ID: <${Math.floor(rnd() * 1e9)}@fuzz>` : '',
    rnd() < 0.3 ? `In-Reply-To: <${Math.floor(rnd() * 1e9)}@fuzz>` : '',
    rnd() < 0.3 ? `References: ${'<r@x> '.repeat(Math.floor(rnd() * 50))}` : '',
    rnd() < 0.8 ? 'MIME-Version: 1.0' : '',
  ].filter((h) => h !== '');
  let raw = Buffer.from([...headers, ...fuzzPart(rnd, 4)].join(rnd() < 0.8 ? CRLF : '\n'), 'latin1');
  const damage = rnd();
  if (damage < 0.15) raw = raw.subarray(0, Math.floor(rnd() * raw.length));
  else if (damage < 0.3) {
    raw = Buffer.from(raw);
    for (let i = 0; i < 1 + rnd() * 20; i++) raw[Math.floor(rnd() * raw.length)] = Math.floor(rnd() * 256);
  } else if (damage < 0.35) raw = Buffer.concat([randomBytesSeeded(Math.floor(rnd() * 512), seed), raw]);
  return raw;
}
