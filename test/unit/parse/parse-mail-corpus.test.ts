// Runs every real message of the repository's mail fixtures through parseMail: none may throw, and every
// result must satisfy the ParsedMessage contract (DESIGN.md promise 4).

import { describe, expect, it } from 'vitest';
import { parseMail } from '../../../src/ingest/parse/index.js';
import { EXPECTED_CORPUS_MESSAGES, listCorpusFiles, readCorpusMail } from './support/mail-corpus.js';
import { expectInvariants } from './support/invariants.js';

const LIMITS = { maxAttachmentBytes: 256 * 1024, maxMessageBytes: 25 * 1024 * 1024 };
const files = listCorpusFiles();

describe('parseMail() on the mail fixtures', () => {
  it('parseMail(): when the tests start, finds every fixture message in the repository', () => {
    expect(files).toHaveLength(EXPECTED_CORPUS_MESSAGES);
    for (const folder of ['mailparser/', 'postal-mime/', 'enmime/low-quality/', 'cpython/', 'spamassassin/']) {
      expect(
        files.some((f) => f.startsWith(folder)),
        `no files under ${folder}`,
      ).toBe(true);
    }
  });

  it.each(files)('parseMail(): when given corpus file %s, returns a message that keeps every invariant', async (file) => {
    const raw = readCorpusMail(file);
    const message = await parseMail(raw, LIMITS);
    expectInvariants(message, raw);
  });

  it('parseMail(): when every corpus file is parsed with a 1 KiB attachment cap, still keeps every invariant', async () => {
    for (const file of files) {
      const raw = readCorpusMail(file);
      expectInvariants(await parseMail(raw, { maxAttachmentBytes: 1024, maxMessageBytes: 25 * 1024 * 1024 }), raw);
    }
    expect(files).toHaveLength(EXPECTED_CORPUS_MESSAGES);
  });
});
