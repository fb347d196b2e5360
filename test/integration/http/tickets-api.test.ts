import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { corpusFiles, readMail } from '../../helpers/corpus.js';

interface TicketPage {
  tickets: { id: number; subject: string; messageCount: number }[];
  next: string | null;
}

describe('tickets REST API', () => {
  let fake: FakeGoogle;
  let t: TestDaemon;

  beforeAll(async () => {
    fake = await startTestFake();
    for (const file of corpusFiles('ham').slice(500, 512)) fake.deliver('api@example.com', readMail(file));
    t = await startTestDaemon(fake);
    await t.connect('api@example.com');
    await waitFor(
      () => t.daemon.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number },
      (r) => r.n >= 12,
    );
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('GET /api/tickets: when no token is sent, answers 401 with a code and what to do', async () => {
    const res = await fetch(`${t.daemon.url}/api/tickets`);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status).toBe(401);
    expect(body.error.code).toBe('INTAKE_ERR_UNAUTHORIZED');
    expect(body.error.message).toMatch(/Authorization: Bearer/);
  });

  it('GET /api/tickets: when the token is wrong, answers 401', async () => {
    const res = await fetch(`${t.daemon.url}/api/tickets`, { headers: { authorization: 'Bearer not-the-token' } });
    expect(res.status).toBe(401);
  });

  it('GET /api/tickets: when paging with limit and after, returns every ticket once in id order', async () => {
    const seen: number[] = [];
    let path: string | null = '/api/tickets?limit=5';
    while (path) {
      const page: { status: number; body: TicketPage } = await t.api<TicketPage>(path);
      expect(page.status).toBe(200);
      seen.push(...page.body.tickets.map((x) => x.id));
      path = page.body.next;
    }
    const total = (t.daemon.db.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n;
    expect(seen).toHaveLength(total);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('GET /api/tickets: when the query is malformed, answers 400 naming the field', async () => {
    const res = await t.api<{ error: { code: string; message: string } }>('/api/tickets?limit=abc&colour=red');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INTAKE_ERR_BAD_REQUEST');
    expect(res.body.error.message).toMatch(/limit/);
  });

  it('GET /api/tickets/:id: when the ticket exists, returns its messages with sender, body and attachment metadata', async () => {
    const list = await t.api<TicketPage>('/api/tickets?limit=1');
    const id = list.body.tickets[0]?.id as number;
    const res = await t.api<{ id: number; messages: { from: { address: string }; text: string; attachments: unknown[] }[] }>(
      `/api/tickets/${id}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.messages.length).toBeGreaterThan(0);
    expect(res.body.messages[0]?.from.address).toMatch(/@/);
    expect(res.body.messages[0]?.text.length).toBeGreaterThan(0);
  });

  it('GET /api/tickets/:id: when the ticket does not exist, answers 404', async () => {
    const res = await t.api<{ error: { code: string } }>('/api/tickets/999999');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('INTAKE_ERR_NOT_FOUND');
  });

  it('GET /readyz: when store and queue answer, reports ready with the mailbox and its last successful sync', async () => {
    const res = await fetch(`${t.daemon.url}/readyz`);
    const body = (await res.json()) as { status: string; mailboxes: { state: string; lastSuccessfulSync: string | null }[] };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.mailboxes[0]?.lastSuccessfulSync).not.toBeNull();
  });

  it('GET /metrics: when messages were ingested, exports their count by outcome in Prometheus format', async () => {
    const text = await (await fetch(`${t.daemon.url}/metrics`)).text();
    expect(text).toMatch(/intake_messages_ingested_total\{outcome="ticket_created"\} \d+/);
    expect(text).toMatch(/intake_mailboxes\{state="syncing"\} 1/);
  });
});
