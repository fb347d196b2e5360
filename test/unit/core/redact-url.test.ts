import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../../src/log/redact-url.js';

describe('redactUrl()', () => {
  it.each<[string, string]>([
    ['/oauth/callback?state=abc.def&code=4%2F0AbC&scope=x', '/oauth/callback?state=[redacted]&code=[redacted]&scope=x'],
    ['/x?access_token=ya29.abc&limit=5', '/x?access_token=[redacted]&limit=5'],
    ['/x?refresh_token=1%2F%2F0abc', '/x?refresh_token=[redacted]'],
    ['/x?apiKey=k&X-Goog-Signature=s&sessionId=1', '/x?apiKey=[redacted]&X-Goog-Signature=[redacted]&sessionId=[redacted]'],
    ['/x?%63ode=4%2F0AbC', '/x?%63ode=[redacted]'],
    ['/api/tickets?limit=10&after=5', '/api/tickets?limit=10&after=5'],
    ['/api/tickets', '/api/tickets'],
    ['/x?code=a#frag', '/x?code=[redacted]'],
  ])('redactUrl(): when the URL is %s, logs %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
