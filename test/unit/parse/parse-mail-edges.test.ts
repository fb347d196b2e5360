// Hostile and degenerate input built in the test: tiny synthetic messages that isolate one edge
// each (empty, truncated, oversized, garbage), the cases real corpora cannot pin down exactly.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ATTACHMENT_OVER_CAP, MESSAGE_OVER_CAP, MIME_UNREADABLE, parseMail } from '../../../src/ingest/parse/index.js';
import { expectInvariants } from './support/invariants.js';

const LIMITS = { maxAttachmentBytes: 1024, maxMessageBytes: 64 * 1024 };

const mail = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1');

/** Deterministic bytes, so a failure reproduces: a small LCG, not crypto randomness. */
function garbage(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

function withAttachment(content: Buffer): Buffer {
  return mail(
    'From: a@example.com',
    'Subject: report',
    'Content-Type: multipart/mixed; boundary=XX',
    '',
    '--XX',
    'Content-Type: text/plain',
    '',
    'see attached',
    '--XX',
    'Content-Type: application/octet-stream',
    'Content-Disposition: attachment; filename="r.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    content.toString('base64'),
    '--XX--',
    '',
  );
}

describe('parseMail() on edge cases', () => {
  it('parseMail(): when the input is an empty Buffer, returns an empty message without throwing', async () => {
    const raw = Buffer.alloc(0);
    const message = await parseMail(raw, LIMITS);
    expectInvariants(message, raw);
    expect(message).toMatchObject({ subject: '', text: '', html: null, from: null, messageId: null, sizeBytes: 0 });
    expect(message.attachments).toEqual([]);
    expect(message.headers.size).toBe(0);
  });

  it('parseMail(): when the message has headers and no body, returns the headers and empty text', async () => {
    const raw = mail('From: Ann <Ann@Example.COM>', 'Subject: only headers', 'Message-ID: <x1@example.com>');
    const message = await parseMail(raw, LIMITS);
    expectInvariants(message, raw);
    expect(message.subject).toBe('only headers');
    expect(message.from).toEqual({ address: 'ann@example.com', name: 'Ann' });
    expect(message.messageId).toBe('x1@example.com');
    expect(message.text).toBe('');
  });

  it('parseMail(): when the message has only an HTML body, derives text from it', async () => {
    const raw = mail('Subject: h', 'Content-Type: text/html; charset=utf-8', '', '<p>Hello&nbsp;<b>there</b></p><p>Line&nbsp;2</p>');
    const message = await parseMail(raw, LIMITS);
    expect(message.html).toBe('<p>Hello&nbsp;<b>there</b></p><p>Line&nbsp;2</p>');
    expect(message.text).toBe('Hello there\n\nLine 2');
  });

  it('parseMail(): when an attachment is over maxAttachmentBytes, drops the content but keeps size and sha256', async () => {
    const content = garbage(3000, 7);
    const raw = withAttachment(content);
    const message = await parseMail(raw, LIMITS);
    expectInvariants(message, raw);
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({
      filename: 'r.bin',
      size: 3000,
      content: null,
      omittedReason: ATTACHMENT_OVER_CAP,
      sha256: createHash('sha256').update(content).digest('hex'),
    });
    expect(message.text.trim()).toBe('see attached');
    expect(message.problems).toContain('1 attachment(s) exceed ingest.maxAttachmentBytes; content not kept');
  });

  it('parseMail(): when an attachment is exactly maxAttachmentBytes, keeps its content', async () => {
    const content = garbage(LIMITS.maxAttachmentBytes, 11);
    const message = await parseMail(withAttachment(content), LIMITS);
    expect(message.attachments[0]?.content?.equals(content)).toBe(true);
    expect(message.attachments[0]?.omittedReason).toBeNull();
    expect(message.problems).toEqual([]);
  });

  it('parseMail(): when the message exceeds maxMessageBytes, reads headers only and says why', async () => {
    const raw = mail('From: big@example.com', 'Subject: huge', 'Date: Mon, 5 Jan 2004 11:00:00 +0100', '', 'x'.repeat(70 * 1024));
    const message = await parseMail(raw, LIMITS);
    expectInvariants(message, raw);
    expect(message.subject).toBe('huge');
    expect(message.date).toBe(Date.UTC(2004, 0, 5, 10, 0, 0));
    expect(message.text).toBe('');
    expect(message.attachments).toEqual([]);
    expect(message.problems).toEqual([MESSAGE_OVER_CAP]);
  });

  it('parseMail(): when mailparser rejects the MIME structure (1100 parts), falls back to the headers and records it', async () => {
    const parts = Array.from({ length: 1100 }, () => '--b\r\nContent-Type: text/plain\r\n\r\nx\r\n').join('');
    const raw = Buffer.from(
      `Subject: =?utf-8?B?w6ljaGVj?=\r\nFrom: c@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`,
    );
    const message = await parseMail(raw, { maxAttachmentBytes: 1024, maxMessageBytes: 1024 * 1024 });
    expectInvariants(message, raw);
    expect(message.subject).toBe('échec');
    expect(message.from?.address).toBe('c@example.com');
    expect(message.text).toBe('');
    expect(message.problems).toContain(MIME_UNREADABLE);
  });

  it('parseMail(): when the input is binary garbage, returns a message that keeps every invariant', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const raw = garbage(32 * 1024, seed);
      const message = await parseMail(raw, LIMITS);
      expectInvariants(message, raw);
    }
  });

  it('parseMail(): when garbage follows valid headers, keeps the headers and a NUL-free text', async () => {
    const raw = Buffer.concat([mail('Subject: noise', 'Content-Type: text/plain', '', ''), garbage(4096, 5), Buffer.from([0, 0, 0])]);
    const message = await parseMail(raw, LIMITS);
    expectInvariants(message, raw);
    expect(message.subject).toBe('noise');
    expect(message.text.length).toBeGreaterThan(0);
  });

  it('parseMail(): when subject and body contain NUL characters, strips them', async () => {
    const message = await parseMail(mail('Subject: a\0b', '', 'hello\0world'), LIMITS);
    expect(message.subject).toBe('ab');
    expect(message.text).toBe('helloworld');
    expect(message.headers.get('subject')).toEqual(['ab']);
  });

  it('parseMail(): when an 8-bit body is declared latin1, decodes it to Unicode', async () => {
    const raw = Buffer.concat([
      mail('Subject: l', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: 8bit', '', ''),
      Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xfc]),
    ]);
    const message = await parseMail(raw, LIMITS);
    expect(message.text).toBe('café ü');
    expect(message.problems).toEqual([]);
  });

  it('parseMail(): when a body is declared iso-2022-jp, decodes the escape sequences', async () => {
    // "日本" in ISO-2022-JP: ESC $ B, the JIS X 0208 bytes, ESC ( B.
    const body = Buffer.from([0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x1b, 0x28, 0x42]);
    const raw = Buffer.concat([mail('Subject: j', 'Content-Type: text/plain; charset=iso-2022-jp', '', ''), body]);
    expect((await parseMail(raw, LIMITS)).text).toBe('日本');
  });

  it('parseMail(): when a text part names an unknown charset, reads it as UTF-8 and reports the charset', async () => {
    const message = await parseMail(mail('Subject: u', 'Content-Type: text/plain; charset="x-unknown"', '', 'plain words'), LIMITS);
    expect(message.text).toBe('plain words');
    expect(message.problems).toEqual(['charset x-unknown decoded as UTF-8']);
  });

  it('parseMail(): when the Date header is unreadable, returns null and reports it instead of using now', async () => {
    const message = await parseMail(mail('Date: sometime last week', 'Subject: d', '', 'x'), LIMITS);
    expect(message.date).toBeNull();
    expect(message.problems).toEqual(['Date header unparseable']);
  });

  it('parseMail(): when To holds a group and mixed-case addresses, flattens and lower-cases them', async () => {
    const raw = mail(
      'To: Team: One <ONE@Example.com>, two@example.com;, Three <three@EXAMPLE.org>',
      'Cc: undisclosed-recipients:;',
      '',
      'x',
    );
    const message = await parseMail(raw, LIMITS);
    expect(message.to.map((a) => a.address)).toEqual(['one@example.com', 'two@example.com', 'three@example.org']);
    expect(message.to[0]?.name).toBe('One');
    expect(message.cc).toEqual([]);
  });

  it('parseMail(): when ids lack brackets or carry comments, still extracts the bare ids', async () => {
    const raw = mail(
      'Message-ID: bare@example.com',
      "In-Reply-To: <a@x> (Ann's message of Monday)",
      'References: <r1@x>',
      ' <r2@x>',
      'References: <r3@x>',
      '',
      'x',
    );
    const message = await parseMail(raw, LIMITS);
    expect(message.messageId).toBe('bare@example.com');
    expect(message.inReplyTo).toBe('a@x');
    expect(message.references).toEqual(['r1@x', 'r2@x', 'r3@x']);
    expect(message.headers.get('references')).toEqual(['<r1@x> <r2@x>', '<r3@x>']);
  });
});
