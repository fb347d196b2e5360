import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { hamThatBecomesTickets } from '../../helpers/corpus.js';
import { WebhookReceiver, type ReceivedEvent } from '../../helpers/webhook-receiver.js';

const MAILBOX = 'helpdesk@example.com';
const WEBHOOKS = { webhooks: { allowInsecureLoopback: true, requestTimeoutMs: 400 } };

interface FeedEvent {
  id: string;
  type: string;
  cursor: string;
  sequence: number | null;
  data: { ticket?: { id: number } };
}

function committedEventIds(t: TestDaemon): string[] {
  return (t.daemon.db.prepare('SELECT event_id FROM outbox ORDER BY id').all() as { event_id: string }[]).map((r) => r.event_id);
}

function lastErrors(t: TestDaemon): string[] {
  return (
    t.daemon.db.prepare('SELECT last_error FROM webhook_deliveries WHERE last_error IS NOT NULL').all() as { last_error: string }[]
  ).map((r) => r.last_error);
}

/** Per ticket, the first arrival of each event must come in sequence order 1, 2, 3… */
function expectInOrderPerTicket(events: ReceivedEvent[]): void {
  const byTicket = new Map<number, number[]>();
  for (const e of events) {
    const ticketId = (e.data.ticket as { id: number } | undefined)?.id;
    if (ticketId === undefined || e.sequence === null) continue;
    byTicket.set(ticketId, [...(byTicket.get(ticketId) ?? []), e.sequence]);
  }
  for (const [ticketId, seqs] of byTicket) {
    expect(seqs, `ticket ${ticketId}`).toEqual(seqs.map((_, i) => i + 1));
  }
}

async function addEndpoint(t: TestDaemon, url: string): Promise<{ id: number; secret: string }> {
  const res = await t.api<{ id: number; secret: string }>('/api/webhooks', { method: 'POST', body: JSON.stringify({ url }) });
  expect(res.status).toBe(201);
  return res.body;
}

describe('webhooks and the change feed', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  const receiver = new WebhookReceiver();

  afterEach(async () => {
    await t?.close();
    await fake?.close();
    await receiver.close();
  });

  it('delivery: when 200 messages arrive and the receiver refuses, fails, then hangs for a while, afterwards delivers every event once, signed, in order per ticket; a poller sees exactly the committed events', async () => {
    fake = await startTestFake();
    // Mail that becomes tickets (not machine mail the guard holds back): 200 messages, 200 ticket messages.
    for (const raw of await hamThatBecomesTickets(200)) fake.deliver(MAILBOX, raw);
    t = await startTestDaemon(fake, { ...WEBHOOKS, sync: { pageSize: 25 } });
    const daemon = t;
    await receiver.start();
    const endpoint = await addEndpoint(daemon, receiver.url);
    receiver.secret = endpoint.secret;

    // A poller follows the change feed from the start while ingest runs.
    const polled: FeedEvent[] = [];
    let polling = true;
    const poller = (async () => {
      let after = '0';
      while (polling) {
        const page = await daemon.api<{ events: FeedEvent[]; next: string }>(`/api/events?after=${after}&limit=7`);
        polled.push(...page.body.events);
        after = page.body.next;
        if (page.body.events.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
      for (;;) {
        const page = await daemon.api<{ events: FeedEvent[]; next: string }>(`/api/events?after=${after}&limit=50`);
        if (page.body.events.length === 0) break;
        polled.push(...page.body.events);
        after = page.body.next;
      }
    })();

    expect(await daemon.connect(MAILBOX)).toBe(200);
    await waitFor(
      () => receiver.unique.size,
      (n) => n >= 20,
    );
    await receiver.down();
    expect(
      await waitFor(
        () => lastErrors(daemon).some((e) => e.includes('ECONNREFUSED')),
        (seen) => seen,
      ),
    ).toBe(true);
    const before500 = receiver.requests;
    await receiver.up('error500');
    expect(
      await waitFor(
        () => receiver.requests - before500,
        (n) => n >= 5,
      ),
    ).toBeGreaterThanOrEqual(5);
    receiver.mode = 'hang';
    expect(
      await waitFor(
        () => lastErrors(daemon).some((e) => e.includes('no answer within')),
        (seen) => seen,
      ),
    ).toBe(true);
    await receiver.up('ok');

    const messages = await waitFor(
      () => (daemon.daemon.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n,
      (n) => n >= 200,
      60_000,
    );
    expect(messages).toBe(200);
    const committed = committedEventIds(daemon);
    await waitFor(
      () => receiver.unique.size,
      (n) => n >= committed.length,
      90_000,
    );
    polling = false;
    await poller;

    expect(receiver.badSignatures).toBe(0);
    expect(new Set(receiver.unique.keys())).toEqual(new Set(committed));
    expectInOrderPerTicket([...receiver.unique.values()]);
    const types = new Set([...receiver.unique.values()].map((e) => e.type));
    expect([...types].sort()).toEqual(['ticket.created', 'ticket.message_added']);
    const tickets = (daemon.daemon.db.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n;
    expect([...receiver.unique.values()].filter((e) => e.type === 'ticket.created')).toHaveLength(tickets);
    // The poller saw exactly the committed events, in commit order, none skipped or doubled.
    expect(polled.map((e) => e.id)).toEqual(committed);

    // One trace id from the message through its event, the webhook header and the API.
    const sample = [...receiver.unique.values()][0] as ReceivedEvent;
    const message = sample.data.message as { id: number; traceId: string };
    expect(message.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(sample.traceId).toBe(message.traceId);
    expect(sample.headers['intake-trace-id']).toBe(message.traceId);
    const ticketId = (sample.data.ticket as { id: number }).id;
    const ticket = await daemon.api<{ messages: { id: number; traceId: string }[] }>(`/api/tickets/${ticketId}`);
    expect(ticket.body.messages.find((m) => m.id === message.id)?.traceId).toBe(message.traceId);
    const ingested = daemon.logLines().filter((l) => l.msg === 'message ingested' && l.traceId === message.traceId);
    expect(ingested).toHaveLength(1);
    expect(JSON.stringify(ingested[0])).not.toContain('@');

    const dead = await daemon.api<{ deliveries: unknown[] }>(`/api/webhooks/${endpoint.id}/deliveries?status=failed`);
    expect(dead.body.deliveries).toEqual([]);
    const metrics = await (await fetch(`${daemon.daemon.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`intake_webhook_deliveries_total\\{endpoint="${endpoint.id}",outcome="retry"\\} [1-9]`));
    expect(metrics).toMatch(/intake_webhook_delivery_latency_seconds_count [1-9]/);
    expect(metrics).toMatch(/intake_http_requests_total\{route="\/api\/events",method="GET",status="200"\} [1-9]/);
  }, 240_000);

  it('webhooks: when the URL is the metadata service, a private or a loopback address, refuses it with a clear error', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    for (const [url, words] of [
      ['http://169.254.169.254/latest/meta-data/', 'https://'],
      ['https://169.254.169.254/', 'link-local'],
      ['https://10.1.2.3/hook', 'private range'],
      ['https://[::ffff:192.168.1.1]/hook', 'private range'],
      ['https://127.0.0.1/hook', 'loopback'],
      ['https://localhost/hook', 'loopback'],
      ['ftp://example.com/', 'scheme'],
    ] as const) {
      const res = await t.api<{ error: { code: string; message: string } }>('/api/webhooks', {
        method: 'POST',
        body: JSON.stringify({ url }),
      });
      expect(res.status, url).toBe(400);
      expect(res.body.error.code).toBe('INTAKE_ERR_WEBHOOK_URL');
      expect(res.body.error.message, url).toContain(words);
    }
    expect((await t.api<{ webhooks: unknown[] }>('/api/webhooks')).body.webhooks).toEqual([]);
  });

  it('tickets: when an agent closes a ticket, audits the token id and emits status_changed; a customer reply reopens it', async () => {
    fake = await startTestFake();
    fake.deliver(
      MAILBOX,
      'From: Ana <ana@example.com>\r\nTo: helpdesk@example.com\r\nSubject: Broken\r\nMessage-ID: <a1@example.com>\r\n\r\nIt broke.\r\n',
    );
    t = await startTestDaemon(fake, WEBHOOKS);
    const daemon = t;
    const token = await daemon.api<{ id: number; token: string }>('/api/tokens', {
      method: 'POST',
      body: JSON.stringify({ name: 'helpdesk', scope: 'agent' }),
    });
    expect(await daemon.connect(MAILBOX)).toBe(200);
    const ticketId = await waitFor(
      () => (daemon.daemon.db.prepare('SELECT id FROM tickets').get() as { id: number } | undefined)?.id,
      (id) => id !== undefined,
    );
    const patch = await fetch(`${daemon.daemon.url}/api/tickets/${ticketId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token.body.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'closed' }),
    });
    expect(patch.status).toBe(200);
    expect(await patch.json()).toEqual({ id: ticketId, status: 'closed', previousStatus: 'open' });
    const audit = daemon.daemon.db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'ticket.status_changed'").all();
    expect(audit).toEqual([{ actor: `api_token:${token.body.id}`, detail: JSON.stringify({ from: 'open', to: 'closed' }) }]);
    const bad = await daemon.api<{ error: { code: string; message: string } }>(`/api/tickets/${ticketId}`, {
      method: 'PATCH',
      body: JSON.stringify({ status: 'spam' }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('status');

    fake.deliver(
      MAILBOX,
      'From: Ana <ana@example.com>\r\nTo: helpdesk@example.com\r\nSubject: Re: Broken\r\nIn-Reply-To: <a1@example.com>\r\n\r\nStill broken.\r\n',
    );
    const feed = await waitFor(
      async () => (await daemon.api<{ events: FeedEvent[] }>('/api/events?after=0')).body.events,
      (events) => events.filter((e) => e.type === 'ticket.status_changed').length >= 2,
    );
    expect(feed.map((e) => [e.type, e.sequence])).toEqual([
      ['ticket.created', 1],
      ['ticket.status_changed', 2],
      ['ticket.message_added', 3],
      ['ticket.status_changed', 4],
    ]);
    expect((feed[3]?.data as { change: unknown }).change).toEqual({ from: 'closed', to: 'open', actor: 'customer_reply' });
    const byActivity = await daemon.api<{ tickets: { id: number; status: string }[] }>(
      `/api/tickets?order=activity&updatedSince=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`,
    );
    expect(byActivity.body.tickets).toEqual([expect.objectContaining({ id: ticketId, status: 'open' })]);
  });
});
