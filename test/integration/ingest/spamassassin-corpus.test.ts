import { inlineAnalyse } from '../../../src/ingest/analyse.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/database.js';
import { MailboxRepo } from '../../../src/store/mailbox-repo.js';
import { TicketRepo } from '../../../src/store/ticket-repo.js';
import { QuarantineRepo } from '../../../src/store/quarantine-repo.js';
import { MailHandling } from '../../../src/ingest/mail-handling.js';
import { defaultMailHandling } from '../../../src/ingest/mail-options.js';
import { handleParsed } from '../../../src/ingest/ingest-message.js';
import { parseMail } from '../../../src/ingest/parse/parse-mail.js';
import { createLogger } from '../../../src/log/logger.js';
import { corpusFiles, readMail } from '../../helpers/corpus.js';
import { count } from './support.js';

// Every message of the SpamAssassin corpus (ham and spam) through parse, guard, threading,
// sanitising and the one-transaction write, on a real SQLite file. (Fetching is left out: the
// Gmail quota would make 6,000 fetches take minutes; the daemon path is tested elsewhere.)
describe('the SpamAssassin corpus through guard, threading and sanitising', () => {
  const dir = mkdtempSync(join(tmpdir(), 'intake-corpus-'));
  const db = openDatabase(join(dir, 'intake.sqlite'));

  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingest: when the whole corpus arrives, every message becomes a ticket message or a suppressed one, and none throws', async () => {
    const mailboxes = new MailboxRepo(db);
    const { mailbox } = mailboxes.upsertConnected({ email: 'corpus@intake.test', source: 'gmail', refreshTokenCipher: 'x', scopes: [] });
    const deps = {
      tickets: new TicketRepo(db),
      quarantine: new QuarantineRepo(db),
      analyse: inlineAnalyse({ maxMessageBytes: 36_700_160, maxAttachmentBytes: 10_485_760 }, null),
      log: createLogger({ level: 'silent' }),
      mail: new MailHandling(db, defaultMailHandling()),
    };
    const limits = { maxMessageBytes: 36_700_160, maxAttachmentBytes: 10_485_760 };
    const files = [...corpusFiles('ham'), ...corpusFiles('spam')];
    const outcomes = new Map<string, number>();
    let i = 0;
    for (const file of files) {
      const raw = readMail(file);
      const parsed = await parseMail(raw, limits);
      const fetched = { raw, threadId: null, labelIds: ['INBOX'], internalDate: Date.now() };
      const r = await handleParsed(deps, { mailbox, providerMessageId: `sa-${i++}`, fetched, parsed });
      outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
    }
    expect(files.length).toBeGreaterThan(5000);
    expect([...outcomes.keys()].every((o) => ['ticket_created', 'message_added', 'suppressed', 'bounce_attached'].includes(o))).toBe(true);
    expect(count(db, 'SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM suppressed) AS n')).toBe(files.length);
    expect(count(db, 'SELECT COUNT(*) AS n FROM messages WHERE html_body IS NOT NULL AND html_safe = 0')).toBe(0);
    expect(count(db, "SELECT COUNT(*) AS n FROM messages WHERE html_body LIKE '%<script%'")).toBe(0);
  }, 180_000);
});
