// What is read of a huge text or HTML part: mailparser is fed only the first
// INLINE_PART_MAX_BYTES of it (recorded as a problem), mailparser's own HTML-to-text is skipped
// past 1M characters with our linear converter reading the HTML instead, and that converter
// decodes long runs of entities in slices without changing its output.
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/ingest/parse/parse-mail.js';
import { INLINE_PART_MAX_BYTES } from '../../../src/ingest/parse/mime-read.js';
import { partsCut } from '../../../src/ingest/parse/parse-mail.js';
import { HTML_TO_TEXT_MAX_CHARS, htmlToText } from '../../../src/text/html-to-text.js';

const LIMITS = { maxAttachmentBytes: 10 * 1024 * 1024, maxMessageBytes: 40 * 1024 * 1024 };

function single(contentType: string, body: string): Buffer {
  return Buffer.from(['From: a@example.com', 'Subject: big', `Content-Type: ${contentType}`, '', body].join('\r\n'), 'latin1');
}

describe('large text and HTML parts', () => {
  it('parseMessage(): a text part over INLINE_PART_MAX_BYTES is read up to the cap and the cut recorded', async () => {
    const line = 'the quick brown fox jumps over the lazy dog\r\n';
    const body = line.repeat(Math.ceil((INLINE_PART_MAX_BYTES * 1.5) / line.length));
    const { message, spamInput } = await parseMessage(single('text/plain; charset=us-ascii', body), LIMITS);
    expect(message.problems).toContain(partsCut(1));
    expect(message.text.length).toBeLessThanOrEqual(INLINE_PART_MAX_BYTES);
    expect(message.text.length).toBeGreaterThan(INLINE_PART_MAX_BYTES * 0.9);
    expect(spamInput?.text.startsWith('the quick brown fox')).toBe(true);
  });

  it('parseMessage(): a text part within the cap is read whole, with no problem', async () => {
    const body = 'short text\r\n'.repeat(1000);
    const { message } = await parseMessage(single('text/plain; charset=us-ascii', body), LIMITS);
    expect(message.problems).toEqual([]);
    expect(message.text.split('\n').filter((l) => l === 'short text')).toHaveLength(1000);
  });

  it('parseMessage(): HTML too long for mailparser’s converter still gives the spam filter its words', async () => {
    const html = `<html><body>${'<p>cheap pills here</p>'.repeat(60_000)}</body></html>`;
    expect(html.length).toBeGreaterThan(1_000_000);
    const { spamInput } = await parseMessage(single('text/html; charset=utf-8', html), LIMITS);
    expect(spamInput?.text).toContain('cheap pills here');
  });
});

describe('htmlToText on long inputs', () => {
  it('htmlToText(): a long run of entities reads the same as its pieces converted one by one', () => {
    const unit = '&amp;&#x41;&lt;&eacute;&#128512;&nbsp;word ';
    const run = unit.repeat(20_000);
    expect(run.length).toBeGreaterThan(256 * 1024);
    const expected = Array.from({ length: 20_000 }, () => htmlToText(unit)).join(' ');
    expect(htmlToText(run)).toBe(expected);
  });

  it('htmlToText(): reads at most HTML_TO_TEXT_MAX_CHARS characters of HTML', () => {
    const out = htmlToText(`${'a '.repeat(HTML_TO_TEXT_MAX_CHARS / 2)}TAIL`);
    expect(out.endsWith('TAIL')).toBe(false);
    expect(out.length).toBeLessThanOrEqual(HTML_TO_TEXT_MAX_CHARS);
  });
});
