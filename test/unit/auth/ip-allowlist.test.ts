import { describe, expect, it } from 'vitest';
import { parseAllowlist } from '../../../src/auth/ip-allowlist.js';

describe('parseAllowlist()', () => {
  it('parseAllowlist(): when empty, allows every address', () => {
    const list = parseAllowlist([]);
    expect(list.open).toBe(true);
    expect(list.allows('203.0.113.9')).toBe(true);
  });

  it('parseAllowlist(): with IPv4 and IPv6 ranges, allows addresses inside and refuses those outside', () => {
    const list = parseAllowlist(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32']);
    expect(list.allows('10.255.0.1')).toBe(true);
    expect(list.allows('11.0.0.1')).toBe(false);
    expect(list.allows('192.168.1.7')).toBe(true);
    expect(list.allows('192.168.1.8')).toBe(false);
    expect(list.allows('2001:db8:1::5')).toBe(true);
    expect(list.allows('2001:db9::5')).toBe(false);
    expect(list.allows(undefined)).toBe(false);
    expect(list.allows('not-an-ip')).toBe(false);
  });

  it('parseAllowlist(): when an IPv4 client arrives on an IPv6 socket (::ffff:a.b.c.d), matches it against IPv4 ranges', () => {
    const list = parseAllowlist(['127.0.0.0/8']);
    expect(list.allows('::ffff:127.0.0.1')).toBe(true);
    expect(list.allows('::ffff:10.0.0.1')).toBe(false);
  });

  it('parseAllowlist(): when an entry is not an address or its prefix is too long, throws naming it', () => {
    expect(() => parseAllowlist(['10.0.0.0/33'])).toThrow('10.0.0.0/33');
    expect(() => parseAllowlist(['example.com'])).toThrow('example.com');
  });
});
