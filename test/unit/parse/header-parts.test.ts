// The header helpers decide threading (ids), ordering (dates) and what the fallback can read
// (the raw split), so their edge cases are pinned here apart from full messages.

import { describe, expect, it } from 'vitest';
import { splitHeaderLines } from '../../../src/ingest/parse/header-block.js';
import { readMailDate } from '../../../src/ingest/parse/mail-date.js';
import { readFirstMessageId, readMessageIds } from '../../../src/ingest/parse/message-ids.js';

describe('header helpers', () => {
  it('readMessageIds(): when ids are bracketed among comments and folding, returns them in order', () => {
    expect(readMessageIds('<a@x>\r\n <b@y> (comment) <c\r\n @z>')).toEqual(['a@x', 'b@y', 'c@z']);
  });

  it('readMessageIds(): when ids have no brackets, keeps only tokens that look like ids', () => {
    expect(readMessageIds('bare@host another@host')).toEqual(['bare@host', 'another@host']);
    expect(readMessageIds('Your message of Monday')).toEqual([]);
  });

  it('readFirstMessageId(): when the header is absent or empty, returns null', () => {
    expect(readFirstMessageId(undefined)).toBeNull();
    expect(readFirstMessageId('<>')).toBeNull();
  });

  it('readMailDate(): when the date is RFC 5322 with a zone comment, returns epoch ms', () => {
    expect(readMailDate('Sun, 23 Sep 2001 20:14:35 -0700 (PDT)')).toEqual({ ms: Date.UTC(2001, 8, 24, 3, 14, 35), problem: null });
  });

  it('readMailDate(): when the value has no time of day, calls it unparseable rather than guessing', () => {
    expect(readMailDate('1')).toEqual({ ms: null, problem: 'Date header unparseable' });
  });

  it('readMailDate(): when the header is absent, returns null without a problem', () => {
    expect(readMailDate(undefined)).toEqual({ ms: null, problem: null });
  });

  it('splitHeaderLines(): when headers fold and the body follows, returns only the header lines', () => {
    const raw = Buffer.from('Subject: a\r\n b\r\nX-No-Colon\r\nTo: t@x\r\n\r\nBody: not a header\r\n');
    expect(splitHeaderLines(raw)).toEqual([
      { key: 'subject', line: 'Subject: a\r\n b' },
      { key: '', line: 'X-No-Colon' },
      { key: 'to', line: 'To: t@x' },
    ]);
  });

  it('splitHeaderLines(): when the message starts with an empty line, finds no headers', () => {
    expect(splitHeaderLines(Buffer.from('\r\nSubject: body text'))).toEqual([]);
  });
});
