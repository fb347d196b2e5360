import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { openDatabase } from '../../../src/store/database.js';
import { SecretBox } from '../../../src/crypto/secret-box.js';
import { AdminRepo } from '../../../src/auth/admin-repo.js';
import { SessionRepo } from '../../../src/auth/session-repo.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, type TestDaemon, closeAfterEach } from '../../helpers/test-daemon.js';
import { freePort } from '../../helpers/free-port.js';

function selfSignedCert(dir: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1'],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile };
}

function httpsGet(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS and sessions', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  closeAfterEach(() => ({ t, fake }));

  it('https: with a certificate and key configured, serves the page over TLS with HSTS and Secure __Host- cookies, and redirects plain HTTP to HTTPS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-tls-'));
    const redirectHttpPort = await freePort();
    fake = await startTestFake();
    t = await startTestDaemon(fake, { http: { tls: { ...selfSignedCert(dir), redirectHttpPort } } });
    expect(t.daemon.url.startsWith('https://')).toBe(true);
    const page = await httpsGet(`${t.daemon.url}/admin/login`);
    expect(page.status).toBe(200);
    expect(page.headers['strict-transport-security']).toContain('max-age=31536000');
    const cookies = (page.headers['set-cookie'] as string[]).join('\n');
    expect(cookies).toContain('__Host-intake_login=');
    expect(cookies).toMatch(/; Secure/);
    const redirect = await fetch(`http://127.0.0.1:${redirectHttpPort}/admin?x=1`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe(`${t.config.http.publicUrl}/admin?x=1`);
  });

  it('sessions: end after the idle timeout or the absolute lifetime, whichever comes first', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'intake-sess-')), 'intake.sqlite'));
    try {
      const admins = new AdminRepo(db, new SecretBox([randomBytes(32)]));
      const id = admins.create({ username: 'ops', passwordHash: 'x', totpSecret: 'S', recoveryCodes: [] });
      let now = 1_000_000;
      const sessions = new SessionRepo(db, { idleMs: 30 * 60_000, absoluteMs: 2 * 3_600_000 }, () => now);
      const idle = sessions.create(id).cookieValue;
      const busy = sessions.create(id).cookieValue;
      now += 20 * 60_000;
      expect(sessions.resolve(busy)?.adminId).toBe(id);
      now += 20 * 60_000;
      expect(sessions.resolve(idle)).toBeUndefined();
      for (let i = 0; i < 4; i++) {
        expect(sessions.resolve(busy)?.adminId).toBe(id);
        now += 20 * 60_000;
      }
      expect(sessions.resolve(busy)).toBeUndefined();
      expect(sessions.resolve('made-up')).toBeUndefined();
    } finally {
      db.close();
    }
  });
});
