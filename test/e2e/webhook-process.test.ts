import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEFAULT_CLIENT, type FakeGoogle } from '../../src/dev/fake-google/index.js';
import { startTestFake, TEST_QUOTA_WINDOW_MS } from '../helpers/test-fake.js';
import { freePort } from '../helpers/free-port.js';
import { spawnIntake, waitForHttp, type DaemonProcess } from '../helpers/daemon-process.js';
import { corpusFiles, readMail } from '../helpers/corpus.js';
import { waitFor } from '../helpers/test-daemon.js';
import { WebhookReceiver, type ReceivedEvent } from '../helpers/webhook-receiver.js';

const MAILBOX = 'inbox@example.org';

function env(fake: FakeGoogle, port: number, dataDir: string, apiToken: string): NodeJS.ProcessEnv {
  return {
    INTAKE_DATA_DIR: dataDir,
    INTAKE_HTTP_PORT: String(port),
    INTAKE_SYNC_POLL_INTERVAL_SECONDS: '0.5',
    INTAKE_QUEUE_POLL_MS: '20',
    INTAKE_QUEUE_BACKOFF_MS: '50',
    INTAKE_QUEUE_MAX_BACKOFF_MS: '1000',
    INTAKE_SPAM_STARTER_MODEL: 'false',
    INTAKE_WEBHOOKS_ALLOW_INSECURE_LOOPBACK: 'true',
    INTAKE_GOOGLE_CLIENT_ID: DEFAULT_CLIENT.clientId,
    INTAKE_GOOGLE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
    INTAKE_GOOGLE_ENDPOINTS_AUTH_URL: fake.endpoints.oauth2AuthBaseUrl,
    INTAKE_GOOGLE_ENDPOINTS_TOKEN_URL: fake.endpoints.oauth2TokenUrl,
    INTAKE_GOOGLE_ENDPOINTS_REVOKE_URL: fake.endpoints.oauth2RevokeUrl,
    INTAKE_GOOGLE_ENDPOINTS_TOKEN_INFO_URL: fake.endpoints.tokenInfoUrl,
    INTAKE_GOOGLE_ENDPOINTS_USER_INFO_URL: fake.userInfoUrl,
    INTAKE_GOOGLE_ENDPOINTS_GMAIL_ROOT_URL: fake.gmailRootUrl,
    // The fake's quota runs on a 1 s window (startTestFake); Intake paces against the same.
    INTAKE_GOOGLE_QUOTA_WINDOW_MS: String(TEST_QUOTA_WINDOW_MS),
    INTAKE_API_TOKEN: apiToken,
    INTAKE_SECRET_KEY: randomBytes(32).toString('base64'),
  };
}

function committedEventIds(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT event_id FROM outbox ORDER BY id').all() as { event_id: string }[]).map((r) => r.event_id);
  } finally {
    db.close();
  }
}

/** Where the 200 messages went: a ticket message or a quarantined spam (each with an event), or held without one. */
function landed(file: string): { messages: number; quarantined: number; held: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { messages: count('messages'), quarantined: count('quarantine'), held: count('suppressed') + count('poison_messages') };
  } finally {
    db.close();
  }
}

describe('webhook delivery across a killed daemon', () => {
  let fake: FakeGoogle | undefined;
  let proc: DaemonProcess | undefined;
  const receiver = new WebhookReceiver();

  afterEach(async () => {
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    await receiver.close();
    await fake?.close();
  });

  it('delivery: when the daemon is killed with SIGKILL mid-delivery and restarted, every event reaches the receiver, in order per ticket', async () => {
    fake = await startTestFake();
    for (const file of corpusFiles('ham').slice(300, 500)) fake.deliver(MAILBOX, readMail(file));
    const dataDir = mkdtempSync(join(tmpdir(), 'intake-e2e-'));
    const port = await freePort();
    const apiToken = randomBytes(18).toString('base64url');
    const base = `http://127.0.0.1:${port}`;
    const processEnv = env(fake, port, dataDir, apiToken);
    const headers = { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' };
    proc = spawnIntake(['start'], processEnv);
    await waitForHttp(`${base}/healthz`);

    await receiver.start();
    receiver.delayMs = 15;
    const added = await fetch(`${base}/api/webhooks`, { method: 'POST', headers, body: JSON.stringify({ url: receiver.url }) });
    expect(added.status).toBe(201);
    receiver.secret = ((await added.json()) as { secret: string }).secret;
    const connect = await fetch(`${base}/api/mailboxes/connect`, { method: 'POST', headers, body: '{}' });
    const { authUrl } = (await connect.json()) as { authUrl: string };
    expect((await fetch(fake.approveConsent(authUrl, { email: MAILBOX }))).status).toBe(200);

    const partial = await waitFor(
      () => receiver.unique.size,
      (n) => n >= 40,
      60_000,
    );
    proc.child.kill('SIGKILL');
    await proc.exited;
    expect(partial).toBeLessThan(200);

    proc = spawnIntake(['start'], processEnv);
    await waitForHttp(`${base}/healthz`);
    const dbFile = join(dataDir, 'intake.sqlite');
    // Every message lands; which ones the guard's per-sender breaker holds depends on the order
    // they were ingested in, which the kill changes: held mail has no event to deliver.
    const where = await waitFor(
      () => landed(dbFile),
      (l) => l.messages + l.quarantined + l.held >= 200,
      90_000,
    );
    expect(where.messages + where.quarantined + where.held).toBe(200);
    const committed = committedEventIds(dbFile);
    // One event per ticket message (ticket.created or ticket.message_added) and per quarantined
    // message; no ticket was closed, so none reopened.
    expect(committed).toHaveLength(where.messages + where.quarantined);
    await waitFor(
      () => receiver.unique.size,
      (n) => n >= committed.length,
      90_000,
    );
    expect(new Set(receiver.unique.keys())).toEqual(new Set(committed));
    expect(receiver.badSignatures).toBe(0);
    const byTicket = new Map<number, number[]>();
    for (const e of receiver.unique.values() as IterableIterator<ReceivedEvent>) {
      const ticketId = (e.data.ticket as { id: number }).id;
      byTicket.set(ticketId, [...(byTicket.get(ticketId) ?? []), e.sequence as number]);
    }
    for (const [ticketId, seqs] of byTicket) expect(seqs, `ticket ${ticketId}`).toEqual(seqs.map((_, i) => i + 1));
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  }, 240_000);
});
