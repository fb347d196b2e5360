import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { corpusFiles, readMail } from '../../helpers/corpus.js';
import { untilSettled } from '../../helpers/settle.js';

const MAILBOX = 'helpdesk@example.com';
/** Gmail's messages.get, one message's bytes. */
const MESSAGES_GET = /\/messages\/[^/]+$/;

interface Row {
  provider_message_id: string;
  provider_thread_id: string;
  ticket_id: number | null;
}

/**
 * Every delivered message, as a ticket message or (machine mail the guard held back) a
 * suppressed entry; ticket_id is null for the latter.
 */
function messageRows(t: TestDaemon): Row[] {
  return t.daemon.db
    .prepare(
      `SELECT provider_message_id, provider_thread_id, ticket_id FROM messages
       UNION ALL SELECT provider_message_id, provider_thread_id, NULL FROM suppressed ORDER BY 1`,
    )
    .all() as Row[];
}

/**
 * A Gmail thread never spans tickets. A ticket may span Gmail threads: threading also follows
 * reply headers when Gmail split a thread, and same sender + subject (issue 15).
 */
function expectGroupedAsGmailThreads(rows: Row[], delivered: Map<string, string>): void {
  const ticketOfThread = new Map<string, number>();
  for (const row of rows) {
    expect(row.provider_thread_id).toBe(delivered.get(row.provider_message_id));
    if (row.ticket_id === null) continue;
    const seenTicket = ticketOfThread.get(row.provider_thread_id) ?? row.ticket_id;
    expect(row.ticket_id).toBe(seenTicket);
    ticketOfThread.set(row.provider_thread_id, row.ticket_id);
  }
}

function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`metric ${name} not in /metrics`);
  return Number(line.slice(name.length + 1));
}

function deliverAll(fake: FakeGoogle, files: string[], delivered: Map<string, string>): void {
  for (const file of files) {
    const m = fake.deliver(MAILBOX, readMail(file));
    delivered.set(m.id, m.threadId);
  }
}

describe('Gmail mailbox to tickets, end to end', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;

  afterEach(async () => {
    await t?.close();
    await fake?.close();
  });

  it('sync: when 200 messages wait, 50 arrive while running and the daemon restarts, makes exactly one ticket message each, grouped as Gmail threads them', async () => {
    fake = await startTestFake();
    const ham = corpusFiles('ham');
    const delivered = new Map<string, string>();
    deliverAll(fake, ham.slice(0, 200), delivered);
    t = await startTestDaemon(fake, { sync: { pageSize: 37 } });
    expect(await t.connect(MAILBOX)).toBe(200);

    const afterBackfill = await waitFor(
      () => messageRows(t as TestDaemon),
      (rows) => rows.length >= 200,
    );
    expect(afterBackfill).toHaveLength(200);

    deliverAll(fake, ham.slice(200, 250), delivered);
    const afterLive = await waitFor(
      () => messageRows(t as TestDaemon),
      (rows) => rows.length >= 250,
    );
    expect(afterLive).toHaveLength(250);

    await t.restart();
    await untilSettled(t.daemon.db, () => t?.daemon.syncNow(1));
    const rows = messageRows(t);
    expect(rows).toHaveLength(250);
    expect(new Set(rows.map((r) => r.provider_message_id)).size).toBe(250);
    expect([...delivered.keys()].sort()).toEqual(rows.map((r) => r.provider_message_id).sort());
    expectGroupedAsGmailThreads(rows, delivered);
    const threads = new Set(delivered.values()).size;
    const tickets = t.daemon.db.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number };
    expect(tickets.n).toBeLessThanOrEqual(threads);
    expect(tickets.n).toBe(new Set(rows.filter((r) => r.ticket_id !== null).map((r) => r.ticket_id)).size);
    expect(threads).toBeLessThan(250); // the corpus holds real reply threads, so grouping was exercised
  });

  it('sync: when Gmail has expired the history id, runs a full resync and misses and doubles nothing', async () => {
    fake = await startTestFake();
    const ham = corpusFiles('ham');
    const delivered = new Map<string, string>();
    deliverAll(fake, ham.slice(300, 340), delivered);
    t = await startTestDaemon(fake);
    expect(await t.connect(MAILBOX)).toBe(200);
    await waitFor(
      () => messageRows(t as TestDaemon),
      (rows) => rows.length >= 40,
    );
    const fullListsBefore = fake.requestCount(/\/messages$/);
    const getsBefore = fake.requestCount(MESSAGES_GET);
    const enqueuedBefore = metricValue(await (await fetch(`${t.daemon.url}/metrics`)).text(), 'intake_sync_enqueued_total');

    deliverAll(fake, ham.slice(340, 360), delivered);
    fake.expireHistory(MAILBOX);
    const rows = await waitFor(
      () => messageRows(t as TestDaemon),
      (r) => r.length >= 60,
    );
    await untilSettled(t.daemon.db, () => t?.daemon.syncNow(1));

    expect(fake.requestCount(/\/messages$/)).toBeGreaterThan(fullListsBefore);
    expect(messageRows(t)).toHaveLength(60);
    expect(new Set(rows.map((r) => r.provider_message_id)).size).toBe(60);
    expectGroupedAsGmailThreads(messageRows(t), delivered);
    const metrics = await (await fetch(`${t.daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/intake_full_syncs_total\{reason="history_expired"\} 1/);
    // The relist named all 60; the 40 already stored were not queued, so only the 20 new were fetched.
    expect(fake.requestCount(MESSAGES_GET) - getsBefore).toBe(20);
    expect(metrics).toMatch(/intake_sync_already_landed_total 40\b/);
    expect(metricValue(metrics, 'intake_sync_enqueued_total') - enqueuedBefore).toBe(20);
  });
});
