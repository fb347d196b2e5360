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
import { untilFileSettled } from '../helpers/settle.js';

const MAILBOX = 'inbox@example.org';

function daemonEnv(fake: FakeGoogle, port: number, dataDir: string, apiToken: string): NodeJS.ProcessEnv {
  return {
    INTAKE_DATA_DIR: dataDir,
    INTAKE_HTTP_PORT: String(port),
    INTAKE_SYNC_POLL_INTERVAL_SECONDS: '0.5',
    INTAKE_QUEUE_POLL_MS: '20',
    // Crash recovery is under test here, not the starter model (which costs seconds per start).
    INTAKE_SPAM_STARTER_MODEL: 'false',
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
    // These tests are about the process (crashes, start-up), not quota: the current regime's
    // 5 messages a second would make a 300-message sync take a minute. Both sides use legacy.
    INTAKE_GOOGLE_QUOTA_REGIME: 'legacy',
    INTAKE_API_TOKEN: apiToken,
    INTAKE_SECRET_KEY: randomBytes(32).toString('base64'),
  };
}

/**
 * Where a fetched message can end (DESIGN.md: a ticket message, a quarantined spam, a suppressed
 * machine mail or a poison entry): "exactly once" counts all four, so a message the guard or the
 * filter sorts elsewhere is not mistaken for a lost one, and a doubled one still shows.
 */
function countLanded(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (
      db
        .prepare(
          `SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM quarantine)
                + (SELECT COUNT(*) FROM suppressed) + (SELECT COUNT(*) FROM poison_messages) AS n`,
        )
        .get() as { n: number }
    ).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

/** What the store holds when the count is wrong: for the failure message, never mail content. */
function whereThingsAre(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const q = (sql: string) => JSON.stringify(db.prepare(sql).all());
    return [
      `messages=${q('SELECT COUNT(*) AS n FROM messages')}`,
      `quarantine=${q('SELECT COUNT(*) AS n FROM quarantine')}`,
      `suppressed=${q('SELECT COUNT(*) AS n FROM suppressed')}`,
      `poison=${q('SELECT COUNT(*) AS n FROM poison_messages')}`,
      `jobs=${q('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state')}`,
      `unfinished=${q("SELECT state, attempts, run_at, last_error FROM jobs WHERE state <> 'completed' LIMIT 10")}`,
    ].join(' ');
  } finally {
    db.close();
  }
}

describe('intake as a process', () => {
  let fake: FakeGoogle | undefined;
  let proc: DaemonProcess | undefined;

  afterEach(async () => {
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    await fake?.close();
  });

  it('start: when the configuration is bad, exits 2 and prints one readable line per problem', async () => {
    proc = spawnIntake(['start'], {
      INTAKE_HTTP_PORT: 'eighty',
      INTAKE_SYNC_POLL_INTERVAL_SECONDS: '-5',
      INTAKE_NO_SUCH_KEY: '1',
      INTAKE_API_TOKEN: 'sekrit-value-1234',
    });
    expect(await proc.exited).toBe(2);
    const lines = proc
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('  '));
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.includes('http.port'))).toBe(true);
    expect(lines.some((l) => l.includes('sync.pollIntervalSeconds'))).toBe(true);
    expect(lines.some((l) => l.includes('INTAKE_NO_SUCH_KEY') && l.includes('unknown'))).toBe(true);
    expect(proc.stderr()).not.toContain('sekrit-value-1234');
  });

  it('start: when killed with SIGKILL in the middle of a full sync and restarted, ends with every message exactly once', async () => {
    fake = await startTestFake({ quotaRegime: 'legacy' });
    for (const file of corpusFiles('ham').slice(1000, 1300)) fake.deliver(MAILBOX, readMail(file));
    const dataDir = mkdtempSync(join(tmpdir(), 'intake-e2e-'));
    const port = await freePort();
    const apiToken = randomBytes(18).toString('base64url');
    const env = daemonEnv(fake, port, dataDir, apiToken);
    const base = `http://127.0.0.1:${port}`;
    proc = spawnIntake(['start'], env);
    await waitForHttp(`${base}/healthz`);

    const connect = await fetch(`${base}/api/mailboxes/connect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const { authUrl } = (await connect.json()) as { authUrl: string };
    expect((await fetch(fake.approveConsent(authUrl, { email: MAILBOX }))).status).toBe(200);

    const dbFile = join(dataDir, 'intake.sqlite');
    const partial = await waitFor(
      () => countLanded(dbFile),
      (n) => n >= 30,
    );
    proc.child.kill('SIGKILL');
    await proc.exited;
    expect(partial).toBeLessThan(300);

    proc = spawnIntake(['start'], env);
    await waitForHttp(`${base}/healthz`);
    const final = await waitFor(
      () => countLanded(dbFile),
      (n) => n >= 300,
      60_000,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; ${whereThingsAre(dbFile)}`);
    });
    await untilFileSettled(dbFile);
    expect(final).toBe(300);
    expect(countLanded(dbFile), whereThingsAre(dbFile)).toBe(300);

    const ready = (await (await fetch(`${base}/readyz`)).json()) as { status: string; mailboxes: { state: string }[] };
    expect(ready.status).toBe('ready');
    expect(ready.mailboxes[0]?.state).toBe('syncing');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  }, 150_000);
});

describe('intake start-up with the starter spam model', () => {
  it('start: when the starter model trains on a fresh install, /healthz answers at once and /readyz turns ready after it', async () => {
    const fake = await startTestFake({ quotaRegime: 'legacy' });
    const dataDir = mkdtempSync(join(tmpdir(), 'intake-e2e-'));
    const port = await freePort();
    const env = { ...daemonEnv(fake, port, dataDir, randomBytes(18).toString('base64url')), INTAKE_SPAM_STARTER_MODEL: 'true' };
    const proc = spawnIntake(['start'], env);
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForHttp(`${base}/healthz`);
      // Whether /readyz still says "starting" now depends on the machine's speed; that state is
      // asserted without a race in test/integration/http/readiness-while-starting.test.ts.
      const ready = await waitFor(
        async () => (await fetch(`${base}/readyz`)).status,
        (s) => s === 200,
        120_000,
      );
      expect(ready).toBe(200);
      const db = new Database(join(dataDir, 'intake.sqlite'), { readonly: true });
      const totals = db.prepare('SELECT starter_spam, starter_ham FROM spam_totals').get() as { starter_spam: number; starter_ham: number };
      db.close();
      expect(totals.starter_spam).toBeGreaterThan(1000);
      expect(totals.starter_ham).toBeGreaterThan(3000);
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
      await fake.close();
    }
  }, 180_000);
});

describe('intake stopped during start-up', () => {
  it('start: when SIGTERM arrives while the starter model trains, stops cleanly with exit 0 and half a model never written', async () => {
    const fake = await startTestFake({ quotaRegime: 'legacy' });
    const dataDir = mkdtempSync(join(tmpdir(), 'intake-e2e-'));
    const port = await freePort();
    const env = { ...daemonEnv(fake, port, dataDir, randomBytes(18).toString('base64url')), INTAKE_SPAM_STARTER_MODEL: 'true' };
    const proc = spawnIntake(['start'], env);
    let stdout = '';
    proc.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForHttp(`${base}/healthz`);
      expect(((await (await fetch(`${base}/readyz`)).json()) as { status: string }).status).toBe('starting');
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      expect(stdout).toContain('stop requested during start-up');
      expect(stdout).not.toContain('"level":60');
      const db = new Database(join(dataDir, 'intake.sqlite'), { readonly: true });
      const totals = db.prepare('SELECT starter_spam + starter_ham AS n FROM spam_totals').get() as { n: number };
      db.close();
      expect(totals.n).toBe(0);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
      await proc.exited;
      await fake.close();
    }
  }, 120_000);
});
