// Runs the real daemon in-process against a fake Google, on a fresh SQLite file in a temp
// dir, and connects mailboxes through the real OAuth code flow, as an admin would.
import { afterEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/config-schema.js';
import { startDaemon, type Daemon, type DaemonHooks } from '../../src/daemon/daemon.js';
import { DEFAULT_CLIENT, type FakeGoogle } from '../../src/dev/fake-google/index.js';
import type { PlainObject } from '../../src/config/merge.js';
import { deepMerge } from '../../src/config/merge.js';
import { intakeEndpointsFor } from '../../src/dev/fake-google-endpoints.js';
import { freePort } from './free-port.js';
import { TEST_QUOTA_WINDOW_MS } from './test-fake.js';
import { readLogLines, testLoggerWithFile } from './test-log.js';

export interface TestDaemon {
  daemon: Daemon;
  config: Config;
  apiToken: string;
  dataDir: string;
  /** Connects a mailbox through the consent flow; returns the callback's HTTP status. */
  connect(email: string, opts?: { grantedScopes?: string[] }): Promise<number>;
  api<T = unknown>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  restart(): Promise<void>;
  /** Every log line the daemon wrote, across restarts. */
  logLines(): Record<string, unknown>[];
  close(): Promise<void>;
}

export function fakeEndpoints(fake: FakeGoogle): PlainObject {
  return intakeEndpointsFor(fake);
}

export async function testConfig(fake: FakeGoogle, overrides: PlainObject = {}, dataDir = mkdtempSync(join(tmpdir(), 'intake-test-'))) {
  const apiToken = randomBytes(18).toString('base64url');
  const port = await freePort();
  const base: PlainObject = {
    dataDir,
    http: { port },
    google: { clientId: DEFAULT_CLIENT.clientId, endpoints: fakeEndpoints(fake), quotaWindowMs: TEST_QUOTA_WINDOW_MS },
    sync: { pollIntervalSeconds: 0.3 },
    queue: { pollMs: 20, backoffMs: 50, maxBackoffMs: 2000 },
    // The starter model takes seconds to train; tests that need it turn it on.
    spam: { starterModel: false },
  };
  const config = loadConfig({
    env: {
      INTAKE_GOOGLE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
      INTAKE_API_TOKEN: apiToken,
      INTAKE_SECRET_KEY: randomBytes(32).toString('base64'),
    },
    overrides: deepMerge(base, overrides),
  });
  return { config, apiToken, dataDir };
}

export async function startTestDaemon(fake: FakeGoogle, overrides: PlainObject = {}, hooks: DaemonHooks = {}): Promise<TestDaemon> {
  const { config, apiToken, dataDir } = await testConfig(fake, overrides);
  const logFiles: string[] = [];
  const newLog = () => {
    const { log, file } = testLoggerWithFile('daemon');
    logFiles.push(file);
    return log;
  };
  let daemon = await startDaemon(config, newLog(), hooks);
  const api = async <T>(path: string, init: RequestInit = {}) => {
    const res = await fetch(`${daemon.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${apiToken}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.headers as Record<string, string>),
      },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  return {
    get daemon() {
      return daemon;
    },
    config,
    apiToken,
    dataDir,
    api,
    async connect(email, opts = {}) {
      const { body } = await api<{ authUrl: string }>('/api/mailboxes/connect', {
        method: 'POST',
        body: JSON.stringify({ loginHint: email }),
      });
      const redirect = fake.approveConsent(body.authUrl, { email, ...opts });
      return (await fetch(redirect)).status;
    },
    async restart() {
      await daemon.close();
      daemon = await startDaemon(config, newLog(), hooks);
    },
    logLines: () => readLogLines(logFiles),
    close: () => daemon.close(),
  };
}

/** Polls until `check` returns true or the deadline passes; returns the last value seen. */
/**
 * Waits for a state, not for a time: re-reads until `check` holds, and fails the test with the
 * last value seen when it has not held within the (generous) timeout.
 */
export async function waitFor<T>(read: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for a state that never came; last value: ${describeValue(value)}`);
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 2000 ? `${text.slice(0, 1000)} … ${text.slice(-1000)}` : text;
}

/**
 * The daemon and fake a test started, closed after each test (daemon first): the one
 * teardown the per-test suites share. `current` reads the test file's own variables.
 */
export function closeAfterEach(current: () => { t?: TestDaemon | undefined; fake?: FakeGoogle | undefined }): void {
  // A test that starts nothing leaves the previous test's objects in the variables: close each once.
  const closed = new WeakSet<object>();
  afterEach(async () => {
    const { t, fake } = current();
    if (t && !closed.has(t)) {
      closed.add(t);
      await t.close();
    }
    if (fake && !closed.has(fake)) {
      closed.add(fake);
      await fake.close();
    }
  });
}
