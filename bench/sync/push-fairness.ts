// bench:sync's live-mail figures: Gmail push (delivery -> ticket with the fake sending
// Pub/Sub pushes and a poll interval too long to matter) and fairness (new mail to one
// mailbox while another backfills 2,000 messages, delivery -> ticket).
import { startFakeGoogle, type FakeGoogle } from '../../src/dev/fake-google/index.js';
import { percentile, round } from '../lib/metrics.js';
import { startBenchDaemon, until, type BenchDaemon } from './bench-daemon.js';

const TOPIC = 'projects/bench/topics/gmail';
const AUDIENCE = 'https://intake.bench/push/gmail';
const mail = (n: number, to: string) =>
  `From: Customer ${n} <p${n}@example.net>\r\nTo: ${to}\r\nSubject: Live ${n}\r\nMessage-ID: <p${n}-${Math.random()}@example.net>\r\n\r\nHello, live question ${n}.\r\n`;

const stateOf = (b: BenchDaemon, email: string) =>
  (b.daemon.db.prepare('SELECT state FROM mailboxes WHERE email = ?').get(email) as { state: string } | undefined)?.state;
const ingested = (b: BenchDaemon, id: number) => b.ingestedAt.get(id) ?? [];

/** Delivers one message at a time (each after the previous became a ticket and a random 0–1 s pause). */
async function deliverOneByOne(fake: FakeGoogle, b: BenchDaemon, email: string, id: number, n: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, Math.random() * 1000));
    const before = ingested(b, id).length;
    const t0 = performance.now();
    fake.deliver(email, mail(i, email));
    if (!(await until(() => ingested(b, id).length > before, 120_000))) throw new Error(`message ${i} to ${email} never became a ticket`);
    latencies.push((ingested(b, id)[before] ?? t0) - t0);
  }
  return latencies;
}

export async function pushDelivery(messages: number) {
  const fake = await startFakeGoogle();
  const email = 'push@example.com';
  const b = await startBenchDaemon(fake, {
    sync: { pollIntervalSeconds: 600 },
    google: { push: { enabled: true, topicName: TOPIC, audience: AUDIENCE } },
  });
  try {
    fake.configurePush({ topicName: TOPIC, endpoint: `${b.daemon.url}/push/gmail`, audience: AUDIENCE });
    await b.connect(email);
    if (!(await until(() => stateOf(b, email) === 'syncing' && fake.watchOf(email) !== undefined, 30_000)))
      throw new Error('never watched');
    const latencies = await deliverOneByOne(fake, b, email, 1, messages);
    return {
      gmail_push_delivery_to_ticket_p50_ms: round(percentile(latencies, 50), 0),
      gmail_push_delivery_to_ticket_p95_ms: round(percentile(latencies, 95), 0),
      gmail_push_messages: messages,
      gmail_push_notifications: fake.pushes().length,
    };
  } finally {
    await b.close();
    await fake.close();
  }
}

export async function fairnessNewMail(backlog: number, fresh: number, windowMs: number) {
  const fake = await startFakeGoogle({ quotaWindowMs: windowMs });
  const big = 'backlog@example.com';
  const small = 'quiet@example.com';
  for (let i = 0; i < backlog; i++) fake.deliver(big, mail(i, big));
  const b = await startBenchDaemon(fake, { google: { quotaWindowMs: windowMs }, sync: { pollIntervalSeconds: 0.5 } });
  try {
    await b.connect(big);
    await until(() => ingested(b, 1).length >= 50, 120_000);
    await b.connect(small);
    if (!(await until(() => stateOf(b, small) === 'syncing', 60_000))) throw new Error('second mailbox never synced');
    const latencies = await deliverOneByOne(fake, b, small, 2, fresh);
    const left = backlog - ingested(b, 1).length;
    return {
      fairness_new_mail_p95_ms: round(percentile(latencies, 95), 0),
      fairness_new_mail_max_ms: round(Math.max(...latencies), 0),
      fairness_backlog_left_at_end: left,
    };
  } finally {
    await b.close();
    await fake.close();
  }
}
