// A real Intake daemon in-process against a fake Google for bench:sync: config on a temp
// dir, mailboxes connected through the real OAuth code flow, ingest times recorded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/load-config.js';
import { deepMerge, type PlainObject } from '../../src/config/merge.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { DEFAULT_CLIENT, type FakeGoogle } from '../../src/dev/fake-google/index.js';
import { intakeEndpointsFor } from '../../src/dev/fake-google-endpoints.js';
import { createLogger } from '../../src/log/logger.js';
// The OAuth redirect URI names the port, so it must be known before the daemon listens.
import { freePort } from '../../test/helpers/free-port.js';

export interface BenchDaemon {
  daemon: Daemon;
  /** Wall-clock time (performance.now) of each ingested message, by mailbox id. */
  ingestedAt: Map<number, number[]>;
  connect(email: string): Promise<void>;
  /** POSTs a JSON body to the daemon's API with the admin token. */
  api(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startBenchDaemon(fake: FakeGoogle, overrides: PlainObject): Promise<BenchDaemon> {
  const dataDir = mkdtempSync(join(tmpdir(), 'intake-bench-sync-'));
  const apiToken = randomBytes(18).toString('base64url');
  const config = loadConfig({
    env: {
      INTAKE_GOOGLE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
      INTAKE_API_TOKEN: apiToken,
      INTAKE_SECRET_KEY: randomBytes(32).toString('base64'),
    },
    overrides: deepMerge(
      {
        dataDir,
        http: { port: await freePort() },
        log: { level: 'silent' },
        google: { clientId: DEFAULT_CLIENT.clientId, endpoints: intakeEndpointsFor(fake) },
        queue: { pollMs: 20, backoffMs: 50, maxBackoffMs: 2000 },
        spam: { starterModel: false },
      },
      overrides,
    ),
  });
  const ingestedAt = new Map<number, number[]>();
  const daemon = await startDaemon(config, createLogger({ level: 'silent' }), {
    onIngested: (_r, job) => {
      const list = ingestedAt.get(job.mailboxId) ?? [];
      list.push(performance.now());
      ingestedAt.set(job.mailboxId, list);
    },
  });
  return {
    daemon,
    ingestedAt,
    async connect(email) {
      const res = await fetch(`${daemon.url}/api/mailboxes/connect`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ loginHint: email }),
      });
      const { authUrl } = (await res.json()) as { authUrl: string };
      const callback = await fetch(fake.approveConsent(authUrl, { email }));
      if (callback.status !== 200) throw new Error(`connect ${email}: callback answered ${callback.status}`);
    },
    async api(path, body) {
      const res = await fetch(`${daemon.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    async close() {
      await daemon.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
