// What a ticket keeps of an oversized header block: the caps of header-fields.ts, each with the
// problem it records, and the standard fields still read when junk lines come before them.
import { describe, expect, it } from 'vitest';
import { parseMail } from '../../../src/ingest/parse/index.js';
import { HEADER_CAPS } from '../../../src/ingest/parse/header-fields.js';

const LIMITS = { maxAttachmentBytes: 1024 * 1024, maxMessageBytes: 8 * 1024 * 1024 };
const mail = (...lines: string[]): Buffer => Buffer.from([...lines, '', 'body'].join('\r\n'), 'latin1');

describe('header caps', () => {
  it('parseMail(): when the subject is longer than the cap, keeps the first characters and records it', async () => {
    const m = await parseMail(mail('From: a@example.com', `Subject: ${'word '.repeat(2000)}`), LIMITS);
    expect(m.subject.length).toBe(HEADER_CAPS.subjectChars);
    expect(m.subject.startsWith('word word')).toBe(true);
    expect(m.problems).toContain(`Subject longer than ${HEADER_CAPS.subjectChars} characters; shortened`);
  });

  it('parseMail(): when the subject is within the cap, keeps it whole with no problem', async () => {
    const subject = 'x'.repeat(HEADER_CAPS.subjectChars);
    const m = await parseMail(mail('From: a@example.com', `Subject: ${subject}`), LIMITS);
    expect(m.subject).toBe(subject);
    expect(m.problems.some((p) => p.startsWith('Subject'))).toBe(false);
  });

  it('parseMail(): when Cc names more addresses than the cap, keeps the first ones and records how many there were', async () => {
    const cc = Array.from({ length: 1500 }, (_v, i) => `u${i}@example.com`).join(', ');
    const m = await parseMail(mail('From: a@example.com', 'Subject: all', `Cc: ${cc}`), LIMITS);
    expect(m.cc.length).toBe(HEADER_CAPS.addressesPerField);
    expect(m.cc[0]?.address).toBe('u0@example.com');
    expect(m.problems).toContain(`Cc names 1500 addresses; the first ${HEADER_CAPS.addressesPerField} were kept`);
  });

  it('parseMail(): when junk header lines pass the cap, still reads the standard fields after them and records it', async () => {
    const junk = Array.from({ length: HEADER_CAPS.headerLines + 500 }, (_v, i) => `X-Junk-${i}: v`);
    const m = await parseMail(mail('From: a@example.com', ...junk, 'Subject: late subject', 'Auto-Submitted: auto-replied'), LIMITS);
    expect(m.subject).toBe('late subject');
    expect(m.headers.get('auto-submitted')).toEqual(['auto-replied']);
    expect(m.headers.has(`x-junk-${HEADER_CAPS.headerLines + 100}`)).toBe(false);
    expect(m.headers.size).toBeLessThanOrEqual(HEADER_CAPS.headerLines + 2);
    expect(m.problems.some((p) => p.includes(`only the first ${HEADER_CAPS.headerLines}`))).toBe(true);
  });
});
