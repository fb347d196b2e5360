import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { corpusFiles, readMail } from '../../helpers/corpus.js';

const MAILBOX = 'review@example.com';
type Row = { n: number };

describe('spam verdicts, quarantine review and explanations over the REST API', () => {
  let fake: FakeGoogle;
  let t: TestDaemon;
  const count = (sql: string) => (t.daemon.db.prepare(sql).get() as Row).n;

  beforeAll(async () => {
    fake = await startTestFake();
    for (const file of corpusFiles('ham').slice(2000, 2010)) fake.deliver(MAILBOX, readMail(file));
    for (const file of corpusFiles('spam').slice(0, 10)) fake.deliver(MAILBOX, readMail(file));
    t = await startTestDaemon(fake, { spam: { starterModel: true } });
    await t.connect(MAILBOX);
    await waitFor(
      () => count('SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM quarantine) + (SELECT COUNT(*) FROM suppressed) AS n'),
      (n) => n >= 20,
      // Generous: the starter model is counted first, which on a loaded 2-core machine takes a minute.
      240_000,
    );
  }, 300_000);

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('ingest: when the starter model is confident, quarantines spam instead of making tickets, and quarantines no ham', () => {
    expect(count('SELECT COUNT(*) AS n FROM quarantine')).toBeGreaterThan(0);
    const quarantinedHam = t.daemon.db
      .prepare("SELECT COUNT(*) AS n FROM quarantine WHERE subject IN (SELECT subject FROM messages WHERE spam_verdict = 'ham')")
      .get() as Row;
    expect(quarantinedHam.n).toBe(0);
    // Machine mail among the spam (Precedence: junk, auto-replies) is held by the guard before the filter sees it.
    expect(
      count('SELECT COUNT(*) AS n FROM messages') +
        count('SELECT COUNT(*) AS n FROM quarantine') +
        count('SELECT COUNT(*) AS n FROM suppressed'),
    ).toBe(20);
  });

  it('GET /api/quarantine: when spam is held, lists it with the tokens that weighed most', async () => {
    const res = await t.api<{ quarantined: { id: number; score: number; evidence: { token: string; weight: number }[] }[] }>(
      '/api/quarantine',
    );
    expect(res.status).toBe(200);
    expect(res.body.quarantined.length).toBeGreaterThan(0);
    expect(res.body.quarantined[0]?.evidence.length).toBeGreaterThan(0);
    expect(res.body.quarantined[0]?.score).toBeGreaterThan(0.9);
  });

  it('POST /api/quarantine/:id/release: when an agent releases a message, makes its ticket and learns it as ham', async () => {
    const before = count('SELECT COUNT(*) AS n FROM messages');
    const list = await t.api<{ quarantined: { id: number }[] }>('/api/quarantine');
    const id = list.body.quarantined[0]?.id as number;
    const res = await t.api<{ ticketId: number; label: string; changed: boolean }>(`/api/quarantine/${id}/release`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ label: 'ham', changed: true });
    expect(count('SELECT COUNT(*) AS n FROM messages')).toBe(before + 1);
    expect((await t.api(`/api/tickets/${res.body.ticketId}`)).status).toBe(200);
    const again = await t.api<{ error: { code: string } }>(`/api/quarantine/${id}/release`, { method: 'POST' });
    expect(again.status).toBe(400);
    expect(count("SELECT COUNT(*) AS n FROM spam_docs WHERE label = 'ham'")).toBe(1);
  });

  it('PUT /api/messages/:id/verdict: when an agent marks a ticket message spam, closes the ticket as spam and learns once', async () => {
    const msg = t.daemon.db.prepare('SELECT id, ticket_id FROM messages ORDER BY id LIMIT 1').get() as { id: number; ticket_id: number };
    const first = await t.api<{ changed: boolean; ticketStatus: string }>(`/api/messages/${msg.id}/verdict`, {
      method: 'PUT',
      body: JSON.stringify({ verdict: 'spam' }),
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ changed: true, ticketStatus: 'spam' });
    const second = await t.api<{ changed: boolean }>(`/api/messages/${msg.id}/verdict`, {
      method: 'PUT',
      body: JSON.stringify({ verdict: 'spam' }),
    });
    expect(second.body.changed).toBe(false);
    const back = await t.api<{ changed: boolean; previous: string; ticketStatus: string }>(`/api/messages/${msg.id}/verdict`, {
      method: 'PUT',
      body: JSON.stringify({ verdict: 'ham' }),
    });
    expect(back.body).toMatchObject({ changed: true, previous: 'spam', ticketStatus: 'open' });
    expect(count("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'spam.%'")).toBe(4);
    const leaked = t.daemon.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE detail LIKE '%@%' OR detail LIKE '%msg:%'").get() as Row;
    expect(leaked.n).toBe(0);
  });

  it('PUT /api/messages/:id/verdict: when the verdict is not spam or ham, answers 400 and learns nothing', async () => {
    const docs = count('SELECT COUNT(*) AS n FROM spam_docs');
    const res = await t.api<{ error: { message: string } }>('/api/messages/1/verdict', {
      method: 'PUT',
      body: JSON.stringify({ verdict: 'maybe' }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/verdict/);
    expect(count('SELECT COUNT(*) AS n FROM spam_docs')).toBe(docs);
  });

  it('GET /api/messages/:id/explain: when a message was classified, returns its verdict, score and weightiest tokens', async () => {
    const msg = t.daemon.db.prepare("SELECT id FROM messages WHERE spam_evidence IS NOT NULL AND spam_evidence != '[]' LIMIT 1").get() as {
      id: number;
    };
    const res = await t.api<{ score: number; evidence: { token: string; weight: number }[] }>(`/api/messages/${msg.id}/explain`);
    expect(res.status).toBe(200);
    expect(res.body.evidence.length).toBeGreaterThan(0);
    expect(typeof res.body.evidence[0]?.weight).toBe('number');
  });
});
