import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../../src/auth/login-throttle.js';

const rule = { maxFailures: 3, windowMs: 60_000, lockoutMs: 300_000 };

describe('LoginThrottle', () => {
  it('LoginThrottle: after maxFailures within the window, locks the key for lockoutMs and then lets it try again', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle(() => now);
    throttle.recordFailure('ip:1', rule);
    throttle.recordFailure('ip:1', rule);
    expect(throttle.retryAfterMs('ip:1')).toBe(0);
    throttle.recordFailure('ip:1', rule);
    expect(throttle.retryAfterMs('ip:1')).toBe(300_000);
    expect(throttle.retryAfterMs('ip:2')).toBe(0);
    now += 300_000;
    expect(throttle.retryAfterMs('ip:1')).toBe(0);
  });

  it('LoginThrottle: when failures are spread wider than the window, never locks', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    for (let i = 0; i < 10; i++) {
      throttle.recordFailure('ip:1', rule);
      now += 31_000;
    }
    expect(throttle.retryAfterMs('ip:1')).toBe(0);
  });
});

describe('LoginThrottle.reserve()', () => {
  it('LoginThrottle.reserve(): when many attempts are reserved before any finishes, lets exactly maxFailures through', () => {
    const throttle = new LoginThrottle(() => 5_000);
    const waits = Array.from({ length: 50 }, () => throttle.reserve('ip:1', rule));
    expect(waits.filter((w) => w === 0)).toHaveLength(3);
    expect(waits.slice(3).every((w) => w === 300_000)).toBe(true);
  });

  it('LoginThrottle.reserve(): when an attempt succeeds, releases the key so the next attempts are allowed', () => {
    const throttle = new LoginThrottle(() => 5_000);
    expect(throttle.reserve('ip:1', rule)).toBe(0);
    expect(throttle.reserve('ip:1', rule)).toBe(0);
    throttle.recordSuccess('ip:1');
    expect([throttle.reserve('ip:1', rule), throttle.reserve('ip:1', rule), throttle.reserve('ip:1', rule)]).toEqual([0, 0, 0]);
    expect(throttle.reserve('ip:1', rule)).toBe(300_000);
  });
});
