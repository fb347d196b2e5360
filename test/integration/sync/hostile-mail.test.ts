import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { EXPECTED_CORPUS_MESSAGES, listCorpusFiles, readCorpusMail } from '../../unit/parse/support/mail-corpus.js';

// Real, partly deliberately broken mail from other projects' test suites: every message
// must come out as exactly one ticket message (or, machine mail, one suppressed entry), with
// the daemon still healthy afterwards.
describe('ingest of broken and pathological real mail', () => {
  let fake: FakeGoogle;
  let t: TestDaemon;
  const delivered = new Map<string, string>();

  beforeAll(async () => {
    fake = await startTestFake();
    for (const file of listCorpusFiles()) {
      delivered.set(fake.deliver('hostile@example.com', readCorpusMail(file)).id, file);
    }
    t = await startTestDaemon(fake, { ingest: { maxAttachmentBytes: 8 * 1024 } });
    await t.connect('hostile@example.com');
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('ingest: when the mailbox holds every corpus message, makes one ticket message or suppressed entry each and crashes on none', async () => {
    expect(delivered.size).toBe(EXPECTED_CORPUS_MESSAGES);
    // A ticket message each, or a suppressed entry for the machine mail among them (bounces, auto-replies).
    const count = () =>
      (t.daemon.db.prepare('SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM suppressed) AS n').get() as { n: number }).n;
    expect(await waitFor(count, (n) => n >= delivered.size, 60_000)).toBe(delivered.size);
    const failed = t.daemon.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state = 'failed'").get() as { n: number };
    expect(failed.n).toBe(0);
    expect((await fetch(`${t.daemon.url}/readyz`)).status).toBe(200);
  });

  it('ingest: when an attachment is over the cap, keeps its name, size and hash but not its bytes', () => {
    const rows = t.daemon.db
      .prepare('SELECT size_bytes, sha256, content IS NULL AS dropped, omitted_reason FROM attachments WHERE size_bytes > ?')
      .all(8 * 1024) as { size_bytes: number; sha256: string; dropped: number; omitted_reason: string }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.dropped).toBe(1);
      expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(r.omitted_reason).toMatch(/maxAttachmentBytes/);
    }
  });

  it('ingest: when a message could not be fully read, records what went wrong without its content', () => {
    const rows = t.daemon.db.prepare('SELECT parse_problems FROM messages WHERE parse_problems IS NOT NULL').all() as {
      parse_problems: string;
    }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(JSON.parse(r.parse_problems)).toEqual(expect.arrayContaining([expect.any(String)]));
  });
});
