import { describe, expect, it } from 'vitest';
import type { UrlPolicy } from '../../../src/delivery/url-guard.js';
import { signatureHeader, verifySignature, newWebhookSecret } from '../../../src/delivery/signature.js';
import { guardedLookup } from '../../../src/delivery/http-sender.js';
import { readmeNodeVerifier } from '../../helpers/webhook-receiver.js';

const STRICT: UrlPolicy = { allowInsecureLoopback: false, allowPrivateNetworks: false, allowLinkLocal: false };
const OPEN: UrlPolicy = { allowInsecureLoopback: true, allowPrivateNetworks: true, allowLinkLocal: true };

describe('webhook signing and the connect-time address check', () => {
  it('guardedLookup(): when a host name resolves to a loopback address and loopback is not allowed, fails the connection', async () => {
    const lookup = guardedLookup(STRICT);
    const err = await new Promise<Error | null>((resolve) => lookup('localhost', { all: true }, (e) => resolve(e)));
    expect(err?.message).toContain('loopback');
    const ok = await new Promise<unknown>((resolve) => guardedLookup(OPEN)('localhost', { all: true }, (e, a) => resolve(e ?? a)));
    expect(Array.isArray(ok)).toBe(true);
  });
  it("signatureHeader(): when verified by the README's Node snippet and by verifySignature, passes; a changed body or old timestamp fails", () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ id: 'evt_1', type: 'ticket.created' });
    const now = Math.floor(Date.now() / 1000);
    const header = signatureHeader(secret, now, body);
    const readme = readmeNodeVerifier();
    expect(readme(secret, header, body)).toBe(true);
    expect(readme(secret, header, `${body} `)).toBe(false);
    expect(readme('whsec_other', header, body)).toBe(false);
    expect(readme(secret, signatureHeader(secret, now - 3600, body), body)).toBe(false);
    expect(verifySignature(secret, header, body, now)).toBe(true);
    expect(verifySignature(secret, header, body, now + 301)).toBe(false);
  });
});
