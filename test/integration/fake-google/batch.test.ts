// The fake's batch endpoint as Google documents it (SPEC.md §3.9): one multipart/mixed POST
// carrying whole HTTP requests; each part answered on its own (a missing message is a 404 part
// in a 200 batch, a part with a bad token a 401 part), `Content-ID: response-<id>` on each
// answer, every part charged its units (a batch saves no quota), more than 100 parts a 400.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { connect, GMAIL_READONLY } from './helpers.js';

const USER = 'batch@example.com';
let fake: FakeGoogle | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function batchBody(boundary: string, parts: { id: string; request: string }[]): string {
  return `${parts
    .map((p) => `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <${p.id}>\r\n\r\n${p.request}\r\n`)
    .join('')}--${boundary}--\r\n`;
}

interface Answer {
  contentId: string;
  status: number;
  json: unknown;
}

function answers(contentType: string, body: string): Answer[] {
  const boundary = /boundary=([^;\s]+)/.exec(contentType)?.[1] ?? '';
  return body
    .split(`--${boundary}`)
    .slice(1)
    .filter((s) => !s.startsWith('--'))
    .map((part) => {
      const contentId = /Content-ID: <([^>]+)>/.exec(part)?.[1] ?? '';
      const status = Number(/HTTP\/1\.1 (\d{3})/.exec(part)?.[1]);
      const json = part.slice(part.lastIndexOf('\r\n\r\n') + 4).trim();
      return { contentId, status, json: json ? (JSON.parse(json) as unknown) : null };
    });
}

async function post(f: FakeGoogle, token: string, body: string, boundary = 'b0undary') {
  const res = await fetch(`${f.url}/batch/gmail/v1`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/mixed; boundary=${boundary}` },
    body,
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('fake Google: the batch endpoint', () => {
  it('answers each part on its own, in order, with its Content-ID (a missing message and a bad token fail only their part)', async () => {
    fake = await startFakeGoogle({ quotaRegime: 'current' });
    const [first, second] = [fake.deliver(USER, 'Subject: one\r\n\r\nhi\r\n'), fake.deliver(USER, 'Subject: two\r\n\r\nhi\r\n')];
    const { tokens } = await connect(fake, USER, [GMAIL_READONLY]);
    const token = tokens.access_token ?? '';
    const body = batchBody('b0undary', [
      { id: 'a', request: `GET /gmail/v1/users/me/messages/${first.id}?format=minimal` },
      { id: 'b', request: `GET /gmail/v1/users/me/messages/${second.id}?format=minimal HTTP/1.1` },
      { id: 'c', request: 'GET /gmail/v1/users/me/messages/ffffffffffffffff' },
      { id: 'd', request: `GET /gmail/v1/users/me/messages/${first.id}\r\nAuthorization: Bearer ya29.not-a-token` },
    ]);
    const res = await post(fake, token, body);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^multipart\/mixed; boundary=/);
    const got = answers(res.contentType, res.text);
    expect(got.map((a) => [a.contentId, a.status])).toEqual([
      ['response-a', 200],
      ['response-b', 200],
      ['response-c', 404],
      ['response-d', 401],
    ]);
    expect((got[0]?.json as { id: string }).id).toBe(first.id);
  });

  it('refuses more than 100 parts, a body that is not multipart/mixed, and GET', async () => {
    fake = await startFakeGoogle();
    const { tokens } = await connect(fake, USER, [GMAIL_READONLY]);
    const token = tokens.access_token ?? '';
    const many = batchBody(
      'b0undary',
      Array.from({ length: 101 }, (_, i) => ({ id: String(i), request: 'GET /gmail/v1/users/me/profile' })),
    );
    const tooMany = await post(fake, token, many);
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toContain('at most 100');
    const plain = await fetch(`${fake.url}/batch/gmail/v1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(plain.status).toBe(400);
    expect((await fetch(`${fake.url}/batch/gmail/v1`)).status).toBe(404);
    // Exactly 100 is allowed, and each part is charged: the per-second budget of the legacy regime
    // (250 units = 250 profile calls at 1 unit) is not exceeded by 100.
    const hundred = batchBody(
      'b0undary',
      Array.from({ length: 100 }, (_, i) => ({ id: String(i), request: 'GET /gmail/v1/users/me/profile' })),
    );
    const ok = await post(fake, token, hundred);
    expect(ok.status).toBe(200);
    expect(answers(ok.contentType, ok.text).every((a) => a.status === 200)).toBe(true);
  });

  it('a batch saves no quota: parts past the per-user budget get 429 while the batch is 200', async () => {
    fake = await startFakeGoogle({ quotaRegime: 'legacy', quotaUnitsPerUserPerSecond: 12 });
    const [m] = [fake.deliver(USER, 'Subject: q\r\n\r\nhi\r\n')];
    const { tokens } = await connect(fake, USER, [GMAIL_READONLY]);
    const parts = Array.from({ length: 5 }, (_, i) => ({
      id: String(i),
      request: `GET /gmail/v1/users/me/messages/${m.id}?format=minimal`,
    }));
    const res = await post(fake, tokens.access_token ?? '', batchBody('b0undary', parts));
    expect(res.status).toBe(200);
    const statuses = answers(res.contentType, res.text).map((a) => a.status);
    // messages.get costs 5 legacy units: two fit in 12 units a second, the other three are refused.
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
  });
});
