import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFeatures } from '../../../src/spam/features.js';
import { SpamFilter } from '../../../src/spam/spam-filter.js';
import { spamInputFromRaw } from '../../../src/spam/spam-input.js';
import { defaultSpamOptions } from '../../../src/spam/spam-options.js';
import { multipart, rawMessage } from './raw-mail.js';
import { tempDb } from './spam-db.js';
import { EXPECTED_CORPUS_MESSAGES, listCorpusFiles, readCorpusMail } from '../../unit/parse/support/mail-corpus.js';
import type { TempDb } from './spam-db.js';

let t: TempDb;
let filter: SpamFilter;
beforeAll(() => {
  t = tempDb();
  filter = new SpamFilter(t.db, defaultSpamOptions());
  filter.learn(
    'seed-spam',
    {
      subject: 'win',
      text: 'free money',
      html: '',
      headers: new Map(),
      from: 'a@spam.test',
      replyTo: null,
      labelIds: [],
      attachmentTypes: [],
    },
    'spam',
  );
  filter.learn(
    'seed-ham',
    {
      subject: 'order',
      text: 'invoice attached',
      html: '',
      headers: new Map(),
      from: 'b@customer.test',
      replyTo: null,
      labelIds: [],
      attachmentTypes: [],
    },
    'ham',
  );
});
afterAll(() => t.close());

/** Parses, classifies and learns/unlearns: the whole path a message takes through the filter. */
async function roundTrip(raw: Buffer, key: string): Promise<string[]> {
  const input = await spamInputFromRaw(raw);
  const verdict = filter.classify(input);
  expect(verdict.score).toBeGreaterThanOrEqual(0);
  expect(verdict.score).toBeLessThanOrEqual(1);
  filter.learn(key, input, 'ham');
  filter.unlearn(key);
  return extractFeatures(input);
}

describe('spam filter input edges', () => {
  it('empty body: parses, is unsure (never quarantined on no evidence), and learns', async () => {
    const input = await spamInputFromRaw(rawMessage({ subject: '', body: '' }));
    expect(input.text).toBe('');
    expect(filter.classify(input).verdict).not.toBe('spam');
    expect(await roundTrip(rawMessage({ body: '' }), 'empty')).toContain('body:empty');
  });

  it('HTML only: derives the text from the HTML and calls the body html-only', async () => {
    const mp = multipart('alternative', [
      { contentType: 'text/html; charset=utf-8', body: '<html><body><p>Limited <b>offer</b> today</p></body></html>' },
    ]);
    const input = await spamInputFromRaw(rawMessage({ contentType: mp.contentType, body: mp.body }));
    expect(input.text).toContain('Limited offer today');
    const features = await roundTrip(rawMessage({ contentType: mp.contentType, body: mp.body }), 'html');
    expect(features).toEqual(expect.arrayContaining(['b:limit', 'b:offer', 'body:html-only']));
  });

  // How fast is bench:ingest's business; here the cap itself is what must hold.
  it('huge message (8 MB of text): is capped, classified and learned', async () => {
    const body = 'lorem ipsum dolor sit amet consectetur '.repeat(200_000);
    const features = await roundTrip(rawMessage({ body }), 'huge');
    expect(features.length).toBeLessThanOrEqual(4000);
  });

  it('binary attachment only: no text, the attachment type is the evidence', async () => {
    const mp = multipart('mixed', [
      {
        contentType: 'application/octet-stream; name="x.bin"',
        cte: 'base64',
        disposition: 'attachment; filename="x.bin"',
        body: Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256))
          .toString('base64')
          .replace(/.{76}/g, '$&\r\n'),
      },
    ]);
    const features = await roundTrip(rawMessage({ contentType: mp.contentType, body: mp.body }), 'binary');
    expect(features).toEqual(expect.arrayContaining(['attach:application/octet-stream', 'attach:count:1', 'body:empty']));
  });

  it('non-UTF-8 charsets: Latin-1, KOI8-R, Shift_JIS and GB2312 are decoded before tokenizing', async () => {
    const cases: [string, number[], string][] = [
      ['iso-8859-1', [0x47, 0x72, 0xfc, 0xdf, 0x65], 'b:grüße'],
      ['koi8-r', [0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4], 'b:привет'],
      ['shift_jis', [0x83, 0x5a, 0x81, 0x5b, 0x83, 0x8b], 'b:セー'],
      ['gb2312', [0xc3, 0xe2, 0xb7, 0xd1], 'b:免费'],
    ];
    for (const [charset, bytes, expected] of cases) {
      const raw = rawMessage({ contentType: `text/plain; charset=${charset}`, cte: 'base64', body: Buffer.from(bytes).toString('base64') });
      const features = await roundTrip(raw, `charset-${charset}`);
      expect(features, charset).toEqual(expect.arrayContaining([expected, `charset:${charset}`]));
    }
  });

  it('an encoded subject in another charset (RFC 2047) is decoded', async () => {
    const input = await spamInputFromRaw(rawMessage({ subject: '=?koi8-r?B?8NLJ18XU?=' }));
    expect(input.subject).toBe('Привет');
  });

  it('every real-world fixture message (test/fixtures/mail) goes through without a crash', async () => {
    const files = listCorpusFiles();
    expect(files).toHaveLength(EXPECTED_CORPUS_MESSAGES);
    for (const [i, file] of files.entries()) await roundTrip(readCorpusMail(file), `fixture-${i}`);
    expect(filter.stats().trainedMessages).toBe(2);
  }, 120_000);
});
