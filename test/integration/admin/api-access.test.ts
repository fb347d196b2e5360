import { describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, type TestDaemon, closeAfterEach } from '../../helpers/test-daemon.js';

describe('API tokens and the IP allowlist', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  closeAfterEach(() => ({ t, fake }));

  const call = async (d: TestDaemon, path: string, token?: string, init: RequestInit = {}) => {
    const res = await fetch(`${d.daemon.url}${path}`, {
      ...init,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('api: without a token answers 401 with INTAKE_ERR_UNAUTHORIZED', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    const res = await call(t, '/api/tickets');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'INTAKE_ERR_UNAUTHORIZED' } });
    expect((await call(t, '/api/tickets', 'itk_not-a-real-token')).status).toBe(401);
  });

  it('api tokens: an agent token created by an admin reads tickets, is refused admin endpoints, records its use, and after revocation gets 401', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    const created = await t.api<{ id: number; token: string; scope: string }>('/api/tokens', {
      method: 'POST',
      body: JSON.stringify({ name: 'helpdesk', scope: 'agent' }),
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^itk_/);
    const agent = created.body.token;
    expect((await call(t, '/api/tickets', agent)).status).toBe(200);
    expect((await call(t, '/api/mailboxes', agent)).status).toBe(403);
    expect((await call(t, '/api/tokens', agent)).status).toBe(403);

    const listed = await t.api<{ tokens: Record<string, unknown>[] }>('/api/tokens');
    expect(listed.body.tokens).toHaveLength(1);
    expect(listed.body.tokens[0]).toMatchObject({ name: 'helpdesk', scope: 'agent', revokedAt: null });
    expect(listed.body.tokens[0]?.lastUsedAt).toEqual(expect.any(String));
    expect(JSON.stringify(listed.body)).not.toContain(agent);

    const revoked = await fetch(`${t.daemon.url}/api/tokens/${created.body.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${t.apiToken}` },
    });
    expect(revoked.status).toBe(200);
    expect(t.daemon.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'api_token.%' ORDER BY id").all()).toEqual([
      { action: 'api_token.created' },
      { action: 'api_token.revoked' },
    ]);
    const after = await call(t, '/api/tickets', agent);
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ error: { code: 'INTAKE_ERR_UNAUTHORIZED' } });
  });

  it('api tokens: an admin token from the database manages mailboxes like the bootstrap token', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    const created = await t.api<{ token: string }>('/api/tokens', {
      method: 'POST',
      body: JSON.stringify({ name: 'ops', scope: 'admin' }),
    });
    expect((await call(t, '/api/mailboxes', created.body.token)).status).toBe(200);
    expect((await t.api('/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'x', scope: 'root' }) })).status).toBe(400);
  });

  it('allowlist: a request from outside http.allowlist gets 403 on the page, the API and metrics, while health probes still answer', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake, { http: { allowlist: ['10.0.0.0/8', 'fd00::/8'] } });
    const outside = (url: string, remoteAddress = '127.0.0.1') =>
      t!.daemon.server.inject({ url, remoteAddress, headers: { authorization: `Bearer ${t!.apiToken}` } });
    for (const url of ['/admin/login', '/api/tickets', '/metrics', '/oauth/callback']) {
      const res = await outside(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'INTAKE_ERR_IP_NOT_ALLOWED' } });
    }
    expect((await outside('/admin/login', '192.168.1.9')).statusCode).toBe(403);
    expect((await outside('/admin/login', '2001:db8::1')).statusCode).toBe(403);
    expect((await outside('/healthz')).statusCode).toBe(200);
    expect((await outside('/readyz')).statusCode).toBe(200);
    expect((await outside('/admin/login', '10.1.2.3')).statusCode).toBe(200);
    expect((await outside('/api/tickets', '::ffff:10.0.0.5')).statusCode).toBe(200);
    expect((await outside('/admin/login', 'fd12::7')).statusCode).toBe(200);
  });
});
