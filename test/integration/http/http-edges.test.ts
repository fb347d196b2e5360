// Every error fastify or Node's HTTP parser can raise answers in the one envelope; /api/*
// authenticates before reading a body; integers are decimal or refused; and the allowlist
// reads X-Forwarded-For only from the proxies http.trustProxy names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/test-daemon.js';
import { ERROR_CODES } from '../../../src/errors/error-codes.js';

/** Sends bytes as they are (fetch would normalise the URL or refuse the headers) and reads the answer. */
function rawRequest(url: string, request: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => (chunks.length ? undefined : reject(err)));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

function expectEnvelope(body: unknown, code: keyof typeof ERROR_CODES): void {
  expect(body).toEqual({ error: { code, message: expect.any(String) as string } });
}

describe('HTTP edges', () => {
  let fake: FakeGoogle;
  let t: TestDaemon;
  const auth = () => ({ authorization: `Bearer ${t.apiToken}` });

  beforeAll(async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('404: when no route matches, answers the envelope with INTAKE_ERR_NOT_FOUND', async () => {
    const res = await t.api('/api/no-such-thing');
    expect(res.status).toBe(404);
    expectEnvelope(res.body, 'INTAKE_ERR_NOT_FOUND');
  });

  it('413: when an authenticated body is over 1 MiB, answers 413 INTAKE_ERR_PAYLOAD_TOO_LARGE (not 400)', async () => {
    const res = await t.api('/api/mailboxes/connect', {
      method: 'POST',
      body: JSON.stringify({ loginHint: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(res.status).toBe(413);
    expectEnvelope(res.body, 'INTAKE_ERR_PAYLOAD_TOO_LARGE');
  });

  it('auth before the body: when /api/* gets a big or broken body without a token, answers 401 without reading it', async () => {
    for (const body of ['{"broken', JSON.stringify({ loginHint: 'x'.repeat(1024 * 1024 + 10) })]) {
      const res = await fetch(`${t.daemon.url}/api/mailboxes/connect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(401);
      expectEnvelope(await res.json(), 'INTAKE_ERR_UNAUTHORIZED');
    }
  });

  it('400: when the JSON body does not parse, answers INTAKE_ERR_BAD_REQUEST in the envelope', async () => {
    const res = await t.api('/api/mailboxes/connect', { method: 'POST', body: '{"loginHint": ' });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'INTAKE_ERR_BAD_REQUEST');
  });

  it('415: when the body has a content type no parser reads, answers INTAKE_ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await fetch(`${t.daemon.url}/api/mailboxes/connect`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/xml' },
      body: '<a/>',
    });
    expect(res.status).toBe(415);
    expectEnvelope(await res.json(), 'INTAKE_ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('414: when a path parameter is longer than the router takes, answers INTAKE_ERR_URI_TOO_LONG', async () => {
    const res = await t.api(`/api/tickets/${'1'.repeat(150)}`);
    expect(res.status).toBe(414);
    expectEnvelope(res.body, 'INTAKE_ERR_URI_TOO_LONG');
  });

  it('400: when the URL is not validly percent-encoded, answers the envelope', async () => {
    const res = await rawRequest(
      t.daemon.url,
      `GET /api/tickets/%E0%A4%A HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.apiToken}\r\nConnection: close\r\n\r\n`,
    );
    expect(res.status).toBe(400);
    expectEnvelope(JSON.parse(res.body), 'INTAKE_ERR_BAD_REQUEST');
  });

  it('431: when the headers exceed Node’s limit, answers INTAKE_ERR_HEADERS_TOO_LARGE in the envelope', async () => {
    const res = await rawRequest(
      t.daemon.url,
      `GET /api/tickets HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    );
    expect(res.status).toBe(431);
    expectEnvelope(JSON.parse(res.body), 'INTAKE_ERR_HEADERS_TOO_LARGE');
  });

  it.each(['0x1', '%2B1', '9.99e2', '1.0', '-1', '0', '1e3', '%201'])(
    'strict ids: when a ticket id is %s, answers 400 instead of reading a number',
    async (id) => {
      const res = await t.api(`/api/tickets/${id}`);
      expect(res.status).toBe(400);
      expectEnvelope(res.body, 'INTAKE_ERR_BAD_REQUEST');
      expect((res.body as { error: { message: string } }).error.message).toContain('decimal integer');
    },
  );

  it.each(['limit=0x1', 'limit=%2B5', 'limit=9.99e2', 'limit=1.0', 'after=1e3', 'mailbox=0x2'])(
    'strict limits: when the query has %s, answers 400',
    async (query) => {
      const res = await t.api(`/api/tickets?${query}`);
      expect(res.status).toBe(400);
      expectEnvelope(res.body, 'INTAKE_ERR_BAD_REQUEST');
    },
  );

  it('strict ids: when the id and limit are plain decimals, they are read', async () => {
    const one = await t.api('/api/tickets/999');
    expect(one.status).toBe(404);
    expect(await t.api('/api/tickets?limit=10&after=0')).toMatchObject({ status: 200 });
    expect(await t.api('/api/quarantine?limit=0x1')).toMatchObject({ status: 400 });
  });
});

describe('http.trustProxy and the allowlist', () => {
  const started: { t: TestDaemon; fake: FakeGoogle }[] = [];
  afterAll(async () => {
    for (const s of started) {
      await s.t.close();
      await s.fake.close();
    }
  });

  async function daemonWith(trustProxy: unknown): Promise<TestDaemon> {
    const fake = await startTestFake();
    const t = await startTestDaemon(fake, { http: { trustProxy, allowlist: ['203.0.113.0/24'] } });
    started.push({ t, fake });
    return t;
  }
  const spoofed = (t: TestDaemon) => t.api('/api/tickets', { headers: { 'x-forwarded-for': '203.0.113.5' } });

  it('allowlist: when an untrusted client (not a listed proxy) sends a spoofed X-Forwarded-For, ignores it and refuses', async () => {
    const t = await daemonWith(['10.1.1.1', '192.0.2.0/24']);
    const res = await spoofed(t);
    expect(res.status).toBe(403);
    expectEnvelope(res.body, 'INTAKE_ERR_IP_NOT_ALLOWED');
  });

  it('allowlist: when a hop count is set, fastify does not trust the header from an unverified peer either', async () => {
    const t = await daemonWith(1);
    expect((await spoofed(t)).status).toBe(403);
  });

  it('allowlist: when the request comes through a listed proxy, reads the client from X-Forwarded-For', async () => {
    const t = await daemonWith(['127.0.0.1']);
    expect((await spoofed(t)).status).toBe(200);
    expect((await t.api('/api/tickets', { headers: { 'x-forwarded-for': '198.51.100.9' } })).status).toBe(403);
  });

  it('allowlist: with plain true, a direct client CAN spoof its way past the allowlist (why the README warns)', async () => {
    const t = await daemonWith(true);
    expect((await spoofed(t)).status).toBe(200);
  });
});
