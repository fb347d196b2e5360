import { describe, expect, it } from 'vitest';
import { addressRefusal, checkWebhookUrl, classifyAddress, type UrlPolicy } from '../../../src/delivery/url-guard.js';
import { signatureHeader, verifySignature, newWebhookSecret } from '../../../src/delivery/signature.js';
import { decideAttempt } from '../../../src/delivery/retry-rules.js';
import { eventBody, eventBodyOfRow } from '../../../src/delivery/event-body.js';
import { toEvent, type EventRow } from '../../../src/store/event-repo.js';

const STRICT: UrlPolicy = { allowInsecureLoopback: false, allowPrivateNetworks: false, allowLinkLocal: false };
const OPEN: UrlPolicy = { allowInsecureLoopback: true, allowPrivateNetworks: true, allowLinkLocal: true };

describe('webhook URL guard', () => {
  it('classifyAddress(): when given each kind of range, names it, IPv4-mapped IPv6 included', () => {
    expect(classifyAddress('169.254.169.254')).toBe('link-local');
    expect(classifyAddress('fe80::1')).toBe('link-local');
    expect(classifyAddress('10.0.0.1')).toBe('private');
    expect(classifyAddress('172.31.255.255')).toBe('private');
    expect(classifyAddress('172.32.0.1')).toBe('public');
    expect(classifyAddress('::ffff:192.168.0.10')).toBe('private');
    expect(classifyAddress('fd12::1')).toBe('private');
    expect(classifyAddress('127.0.0.2')).toBe('loopback');
    expect(classifyAddress('::1')).toBe('loopback');
    expect(classifyAddress('0.0.0.0')).toBe('reserved');
    expect(classifyAddress('8.8.8.8')).toBe('public');
    expect(classifyAddress('2001:4860::8888')).toBe('public');
  });

  it('checkWebhookUrl(): when strict, refuses http, metadata, private and loopback targets with the key that would allow them', () => {
    const refused = (url: string) => {
      const r = checkWebhookUrl(url, STRICT);
      return r.ok ? '' : r.reason;
    };
    expect(refused('http://example.com/')).toContain('only https://');
    expect(refused('https://169.254.169.254/')).toContain('webhooks.allowLinkLocal');
    expect(refused('https://192.168.1.1/')).toContain('webhooks.allowPrivateNetworks');
    expect(refused('https://[::1]/')).toContain('webhooks.allowInsecureLoopback');
    expect(refused('https://user:pw@example.com/')).toContain('credentials');
    expect(refused('not a url')).toContain('absolute URL');
    expect(checkWebhookUrl('https://hooks.example.com/intake', STRICT).ok).toBe(true);
  });

  it('checkWebhookUrl(): when the config allows the ranges, accepts them (http only for loopback)', () => {
    expect(checkWebhookUrl('http://127.0.0.1:9000/', OPEN).ok).toBe(true);
    expect(checkWebhookUrl('https://10.0.0.5/', OPEN).ok).toBe(true);
    expect(checkWebhookUrl('https://169.254.169.254/', OPEN).ok).toBe(true);
    expect(checkWebhookUrl('http://10.0.0.5/', OPEN).ok).toBe(false);
    expect(addressRefusal('0.0.0.0', OPEN)).toContain('reserved');
  });
});

describe('webhook signatures', () => {
  it('verifySignature(): when the body, secret or timestamp differ, fails', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ id: 'evt_1', type: 'ticket.created' });
    const now = Math.floor(Date.now() / 1000);
    const header = signatureHeader(secret, now, body);
    expect(verifySignature(secret, header, body, now)).toBe(true);
    expect(verifySignature(secret, header, `${body} `, now)).toBe(false);
    expect(verifySignature('whsec_other', header, body, now)).toBe(false);
    expect(verifySignature(secret, header, body, now + 301)).toBe(false);
  });
});

describe('delivery attempt rules', () => {
  const hour = 3_600_000;
  it('decideAttempt(): when 2xx, delivered; 410, endpoint gone; other failures retried until maxRetryHours, then dead', () => {
    expect(decideAttempt({ status: 204 }, 0, 10, 72)).toBe('delivered');
    expect(decideAttempt({ status: 410 }, 0, 10, 72)).toBe('endpoint_gone');
    expect(decideAttempt({ status: 500 }, 0, 71 * hour, 72)).toBe('retry');
    expect(decideAttempt({ error: 'ECONNREFUSED' }, 0, 72 * hour, 72)).toBe('dead');
    expect(decideAttempt({ status: 301 }, 0, 1, 72)).toBe('retry');
  });
});

describe('webhook event body', () => {
  it('eventBodyOfRow(): when built from the stored row, is byte for byte the body made from the parsed event', () => {
    const data = {
      ticket: { id: 42, subject: 'Drucker brennt \u{1F525} "sofort"\n', requester: 'ana@example.com', tags: [] },
      message: { id: 7, text: 'line\u2028sep \\ back', score: 0.02, at: null, nested: { a: [1, 2.5, -3e-7, true] } },
    };
    const rows: EventRow[] = [
      {
        id: 9,
        event_id: 'evt_1',
        event: 'ticket.created',
        ticket_id: 42,
        ticket_seq: 3,
        trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
        payload: JSON.stringify(data),
        created_at: Date.UTC(2026, 11, 1, 9, 30),
      },
      {
        id: 10,
        event_id: 'evt_2',
        event: 'privacy.erased',
        ticket_id: null,
        ticket_seq: null,
        trace_id: null,
        payload: '{}',
        created_at: 1,
      },
    ];
    for (const row of rows) expect(eventBodyOfRow(row)).toBe(eventBody(toEvent(row)));
  });
});
