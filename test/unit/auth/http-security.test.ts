import { describe, expect, it } from 'vitest';
import { redirectTarget } from '../../../src/http/security/https-redirect.js';
import { contentSecurityPolicy } from '../../../src/http/security/security-headers.js';
import { tokenMatches } from '../../../src/http/security/csrf.js';

describe('HTTP security helpers', () => {
  it('redirectTarget(): keeps the path and query but always uses the configured public origin', () => {
    expect(redirectTarget('https://intake.example.com', '/admin?x=1')).toBe('https://intake.example.com/admin?x=1');
    expect(redirectTarget('https://intake.example.com:8443', '//evil.example/x')).toBe('https://intake.example.com:8443/');
    expect(redirectTarget('https://intake.example.com', undefined)).toBe('https://intake.example.com/');
  });

  it('contentSecurityPolicy(): forbids inline scripts and framing, and lets forms lead only to self and the consent origin', () => {
    const csp = contentSecurityPolicy(['https://accounts.google.com']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self' https://accounts.google.com");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('tokenMatches(): is true only for the exact token', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', '')).toBe(false);
    expect(tokenMatches('abc', undefined)).toBe(false);
  });
});
