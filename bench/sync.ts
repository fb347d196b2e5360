// bench:sync — the Gmail API sync path against the fake Google's enforced quota: idle
// mailboxes polled once per interval (and what an idle poll costs), one mailbox's backfill
// as a share of the quota ceiling in both of Google's regimes, and ten mailboxes at once
// against a bare googleapis + mailparser fetcher in the same run; and the IMAP source against a
// real Dovecot (bench/sync/imap-bench.ts). Contract: shared/BENCHMARKS.md.
// The fake's quota window is shrunk (same units per window, less time) to keep the run short.
import { cpus } from 'node:os';
import { startFakeGoogle, type FakeGoogle } from '../src/dev/fake-google/index.js';
import { REGIMES, type QuotaRegime } from '../src/google/quota-costs.js';
import { formatTable } from './lib/table.js';
import { startBenchDaemon, until } from './sync/bench-daemon.js';
import { bareClient, bareFetchAll } from './sync/bare-fetcher.js';
import { imapFigures } from './sync/imap-bench.js';
import { fairnessNewMail, pushDelivery } from './sync/push-fairness.js';

const quick = process.argv.includes('--quick');
const progress = (msg: string) => process.stderr.write(`${msg}\n`);
const mail = (n: number, to: string) =>
  `From: Customer ${n} <c${n}@example.net>\r\nTo: ${to}\r\nSubject: Question ${n}\r\nMessage-ID: <b${n}-${Math.random()}@example.net>\r\n\r\nHello, question ${n} about my order.\r\n`;

function fill(fake: FakeGoogle, email: string, n: number): void {
  for (let i = 0; i < n; i++) fake.deliver(email, mail(i, email));
}

async function idlePolls(mailboxes: number, intervalMs: number, intervals: number) {
  progress(`idle: connecting ${mailboxes} mailboxes`);
  const fake = await startFakeGoogle();
  for (let i = 0; i < mailboxes; i++) fill(fake, `idle${i}@example.com`, 1);
  const b = await startBenchDaemon(fake, { sync: { pollIntervalSeconds: intervalMs / 1000, concurrency: 16 } });
  try {
    for (let i = 0; i < mailboxes; i++) await b.connect(`idle${i}@example.com`);
    const total = () => [...b.ingestedAt.values()].reduce((s, l) => s + l.length, 0);
    await until(() => total() >= mailboxes, 300_000);
    await new Promise((r) => setTimeout(r, intervalMs)); // let the first-pass burst settle
    progress(`idle: measuring ${intervals} intervals of ${intervalMs} ms`);
    const polls0 = fake.requestCount(/\/history$/);
    const cpu0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, intervals * intervalMs));
    const cpu = process.cpuUsage(cpu0);
    const polls = fake.requestCount(/\/history$/) - polls0;
    return {
      idle_mailboxes: mailboxes,
      polls_per_mailbox_per_interval: round(polls / mailboxes / intervals, 2),
      // Includes the in-process fake's CPU answering each history.list.
      cpu_ms_per_idle_poll: round((cpu.user + cpu.system) / 1000 / Math.max(1, polls), 3),
    };
  } finally {
    await b.close();
    await fake.close();
  }
}

async function backfillShare(regime: QuotaRegime, windowMs: number, messages: number) {
  progress(`backfill (${regime}): ${messages} messages, quota window ${windowMs} ms`);
  const fake = await startFakeGoogle({ quotaRegime: regime, quotaWindowMs: windowMs });
  fill(fake, 'backfill@example.com', messages);
  const b = await startBenchDaemon(fake, { google: { quotaRegime: regime, quotaWindowMs: windowMs }, queue: { concurrency: 8 } });
  try {
    const t0 = performance.now();
    await b.connect('backfill@example.com');
    const times = () => b.ingestedAt.get(1) ?? [];
    await until(() => times().length >= messages, 600_000);
    const steadyFrom = t0 + windowMs; // the first window may be spent in one burst, as Google allows
    const steady = times().filter((t) => t >= steadyFrom);
    const end = steady[steady.length - 1] ?? steadyFrom;
    const rate = steady.length / Math.max(0.001, (end - steadyFrom) / 1000);
    const r = REGIMES[regime];
    const ceiling = r.perUserPerMinute / r.units['messages.get'] / (windowMs / 1000);
    const refused = fake.quotaRefusals();
    return {
      backfill_msgs_per_s: round(rate, 1),
      quota_ceiling_msgs_per_s: round(ceiling, 1),
      quota_share_pct: round((rate / ceiling) * 100, 1),
      steady_429s: refused.user + refused.project + refused.concurrency,
      steady_messages: steady.length,
    };
  } finally {
    await b.close();
    await fake.close();
  }
}

async function multiMailbox(count: number, each: number, windowMs: number) {
  progress(`multi: ${count} mailboxes x ${each} messages (Intake)`);
  const emails = Array.from({ length: count }, (_, i) => `multi${i}@example.com`);
  const fake = await startFakeGoogle({ quotaWindowMs: windowMs });
  for (const e of emails) fill(fake, e, each);
  const b = await startBenchDaemon(fake, { google: { quotaWindowMs: windowMs }, sync: { concurrency: count }, queue: { concurrency: 16 } });
  let intake: number;
  try {
    const t0 = performance.now();
    for (const e of emails) await b.connect(e);
    const total = () => [...b.ingestedAt.values()].reduce((s, l) => s + l.length, 0);
    await until(() => total() >= count * each, 600_000);
    intake = (count * each) / ((performance.now() - t0) / 1000);
  } finally {
    await b.close();
    await fake.close();
  }
  progress(`multi: ${count} mailboxes x ${each} messages (bare googleapis + mailparser)`);
  const bareFake = await startFakeGoogle({ quotaWindowMs: windowMs });
  for (const e of emails) fill(bareFake, e, each);
  const r = REGIMES.current;
  try {
    const clients = await Promise.all(emails.map((e) => bareClient(bareFake, e)));
    const t0 = performance.now();
    const opts = {
      windowMs,
      unitsPerWindow: r.perUserPerMinute,
      getUnits: r.units['messages.get'],
      listUnits: r.units['messages.list'],
      concurrency: 5,
    };
    const fetched = (await Promise.all(clients.map((c) => bareFetchAll(c, opts)))).reduce((s, n) => s + n, 0);
    const bare = fetched / ((performance.now() - t0) / 1000);
    return {
      multi_mailbox_msgs_per_s: round(intake, 1),
      bare_multi_mailbox_msgs_per_s: round(bare, 1),
      ratio_multi_vs_bare: round(intake / bare, 2),
    };
  } finally {
    await bareFake.close();
  }
}

const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const idle = await idlePolls(quick ? 100 : 1000, quick ? 1000 : 2000, 3);
  const current = await backfillShare('current', quick ? 3000 : 6000, quick ? 400 : 900);
  const legacy = await backfillShare('legacy', quick ? 6000 : 30_000, quick ? 1000 : 5000);
  const multi = await multiMailbox(10, quick ? 100 : 500, 6000);
  const imap = await imapFigures(quick ? 500 : 5000, quick ? 10 : 30);
  progress('push: delivery -> ticket with the fake sending Pub/Sub pushes, poll interval 600 s');
  const push = await pushDelivery(quick ? 20 : 60);
  progress('fairness: 5 new messages to one mailbox while another backfills 2,000');
  const fairness = await fairnessNewMail(2000, 5, 6000);
  const rows = [
    ['idle mailboxes', String(idle.idle_mailboxes)],
    ['polls per mailbox per interval', String(idle.polls_per_mailbox_per_interval)],
    ['CPU ms per idle poll (incl. fake)', String(idle.cpu_ms_per_idle_poll)],
    ['backfill msg/s (current)', `${current.backfill_msgs_per_s} of ${current.quota_ceiling_msgs_per_s}`],
    ['quota share % (current)', String(current.quota_share_pct)],
    ['429s (current)', String(current.steady_429s)],
    ['backfill msg/s (legacy)', `${legacy.backfill_msgs_per_s} of ${legacy.quota_ceiling_msgs_per_s}`],
    ['quota share % (legacy)', String(legacy.quota_share_pct)],
    ['429s (legacy)', String(legacy.steady_429s)],
    ['10 mailboxes msg/s: Intake / bare', `${multi.multi_mailbox_msgs_per_s} / ${multi.bare_multi_mailbox_msgs_per_s}`],
    ['ratio multi vs bare', String(multi.ratio_multi_vs_bare)],
    ['IMAP backlog msg/s: Intake / bare', `${imap.imap_backlog_msgs_per_s} / ${imap.bare_imap_msgs_per_s}`],
    ['ratio IMAP vs bare', String(imap.ratio_imap_vs_bare)],
    ['IMAP peak RSS MB (daemon process)', String(imap.imap_peak_rss_mb)],
    ['IMAP live delivery -> ticket p50 / p95 ms', `${imap.imap_delivery_to_ticket_p50_ms} / ${imap.imap_delivery_to_ticket_p95_ms}`],
    ['IMAP live, one every 300 ms: p95 ms', String(imap.imap_busy_delivery_to_ticket_p95_ms)],
    [
      'Gmail push delivery -> ticket p50 / p95 ms',
      `${push.gmail_push_delivery_to_ticket_p50_ms} / ${push.gmail_push_delivery_to_ticket_p95_ms}`,
    ],
    ['fairness: new mail p95 ms (backfill of 2,000 running)', String(fairness.fairness_new_mail_p95_ms)],
  ];
  process.stdout.write(`${formatTable(['figure', 'value'], rows)}\n`);
  const notMeasured: string[] = [];
  const out = {
    bench: 'sync',
    node: process.version,
    cpus: cpus().length,
    input: {
      idle: `${idle.idle_mailboxes} mailboxes x 1 message, 3 poll intervals`,
      backfill_current: `${quick ? 400 : 900} messages, fake quota window ${quick ? 3000 : 6000} ms (60 s scaled down)`,
      backfill_legacy: `${quick ? 1000 : 5000} messages, fake quota window ${quick ? 6000 : 30_000} ms`,
      multi: `10 mailboxes x ${quick ? 100 : 500} messages, quota window 6000 ms, current regime`,
      imap: `Dovecot on loopback, ${quick ? 500 : 5000} SpamAssassin ham messages (APPENDed); live: ${quick ? 10 : 30} deliveries by dovecot-lda each way; peak RSS of the daemon process (VmHWM; Dovecot not counted)`,
      push: `${quick ? 20 : 60} messages one at a time (random 0-1 s pause after each ticket), push on, poll interval 600 s`,
      fairness: '5 messages one at a time to a second mailbox while the first backfills 2,000; quota window 6000 ms, poll 0.5 s',
      quick,
    },
    ...idle,
    ...current,
    legacy_backfill_msgs_per_s: legacy.backfill_msgs_per_s,
    legacy_quota_ceiling_msgs_per_s: legacy.quota_ceiling_msgs_per_s,
    legacy_quota_share_pct: legacy.quota_share_pct,
    legacy_steady_429s: legacy.steady_429s,
    ...multi,
    ...imap,
    ...push,
    ...fairness,
    ...Object.fromEntries(notMeasured.map((k) => [k, null])),
    not_measured: notMeasured,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:sync could not run: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
