// /readyz while the daemon is still starting (the starter spam model is being counted): the
// daemon's own start-up hook holds it in that state, so the assertion cannot race the start.
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startDaemon, type Daemon } from '../../../src/daemon/daemon.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { testConfig } from '../../helpers/test-daemon.js';
import { testLoggerWithFile } from '../../helpers/test-log.js';

interface Probe {
  status: number;
  body: { status: string };
}

async function probe(url: string): Promise<Probe> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as { status: string } };
}

describe('readiness during start-up', () => {
  let fake: FakeGoogle | undefined;
  let daemon: Daemon | undefined;

  afterEach(async () => {
    await daemon?.close();
    await fake?.close();
  });

  it('/readyz: while the daemon is starting, answers 503 "starting" as /healthz answers 200; once started, 200 "ready"', async () => {
    fake = await startTestFake();
    const { config } = await testConfig(fake, { spam: { starterModel: true } });
    const base = `http://127.0.0.1:${config.http.port}`;
    let during: { ready: Probe; health: number } | undefined;
    daemon = await startDaemon(config, testLoggerWithFile('daemon').log, {
      whileStarting: async () => {
        during = { ready: await probe(`${base}/readyz`), health: (await fetch(`${base}/healthz`)).status };
      },
    });
    expect(during?.health).toBe(200);
    expect(during?.ready).toEqual({ status: 503, body: expect.objectContaining({ status: 'starting' }) });
    const after = await probe(`${base}/readyz`);
    expect(after).toEqual({ status: 200, body: expect.objectContaining({ status: 'ready' }) });
    const totals = daemon.db.prepare('SELECT starter_spam, starter_ham FROM spam_totals').get() as {
      starter_spam: number;
      starter_ham: number;
    };
    expect(totals.starter_spam).toBeGreaterThan(1000);
  }, 120_000);
});
