// The post-run log scan must catch a leaked secret in every encoding a log line could hold
// it, and the request log must not hold the OAuth callback's code or state in any form.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon } from '../../helpers/test-daemon.js';

// Has the characters URL-encoding, JSON-escaping and base64 each change.
const SECRET = '4/0Ab"Cd+Ef\\Gh/Ij=Kl~Mn';
const dirs: string[] = [];

function scan(logText: string): { status: number | null; stderr: string } {
  const root = mkdtempSync(join(tmpdir(), 'intake-scan-'));
  dirs.push(root);
  mkdirSync(join(root, 'secrets'));
  mkdirSync(join(root, 'logs'));
  writeFileSync(join(root, 'secrets', 'issued.json'), JSON.stringify([SECRET]));
  writeFileSync(join(root, 'logs', 'daemon.log'), `${logText}\n`);
  const run = spawnSync(process.execPath, [join('scripts', 'scan-test-logs.mjs'), '--root', root], { encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('scripts/scan-test-logs.mjs', () => {
  it('scan: when no log holds the secret, passes', () => {
    expect(scan(JSON.stringify({ level: 30, msg: 'request completed', url: '/oauth/callback?code=[redacted]' })).status).toBe(0);
  });

  it.each<[string, string]>([
    ['raw', SECRET],
    ['URL-encoded', `/oauth/callback?code=${encodeURIComponent(SECRET)}&x=1`],
    ['JSON-escaped', JSON.stringify({ code: SECRET })],
    ['base64', Buffer.from(`Bearer:${SECRET}`).toString('base64')],
    ['base64', Buffer.from(`ab${SECRET}zz`).toString('base64url')],
    ['base64', Buffer.from(`a${SECRET}`).toString('base64')],
  ])('scan: when a log holds the secret %s, fails and names the encoding', (encoding, leaked) => {
    if (encoding !== 'raw') expect(leaked).not.toContain(SECRET);
    const result = scan(leaked);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`appears ${encoding}`);
  });
});

describe('request log lines', () => {
  it('log: when Google redirects to /oauth/callback with code and state, the request lines carry neither in any form', async () => {
    const fake = await startTestFake();
    const t = await startTestDaemon(fake);
    try {
      expect(await t.connect('logs@example.com')).toBe(200);
      const urls = t
        .logLines()
        .map((l) => (l.req as { url?: string } | undefined)?.url)
        .filter((u): u is string => typeof u === 'string' && u.startsWith('/oauth/callback'));
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) {
        const params = new URL(url, 'http://x').searchParams;
        expect([params.get('code'), params.get('state')]).toEqual(['[redacted]', '[redacted]']);
      }
      const text = JSON.stringify(t.logLines());
      for (const secret of fake.issuedSecrets()) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(encodeURIComponent(secret));
      }
    } finally {
      await t.close();
      await fake.close();
    }
  });
});
