import { describe, expect, it } from 'vitest';
import { parsePushBody } from '../../../src/push/push-message.js';
import { isCurrent, MIN_RENEW_DELAY_MS, renewDelayMs, retryDelayMs } from '../../../src/push/watch-schedule.js';

const body = (data: unknown) => ({ message: { data: Buffer.from(JSON.stringify(data)).toString('base64') }, subscription: 's' });

describe('parsePushBody()', () => {
  it('parsePushBody(): when message.data holds {emailAddress, historyId}, returns both with historyId as a string', () => {
    expect(parsePushBody(body({ emailAddress: 'a@example.com', historyId: 9876543210 }))).toEqual({
      emailAddress: 'a@example.com',
      historyId: '9876543210',
    });
  });

  it('parsePushBody(): when the body, data or address is missing or malformed, returns null', () => {
    for (const b of [
      null,
      'x',
      {},
      { message: {} },
      { message: { data: '!!!' } },
      body({ historyId: '1' }),
      body({ emailAddress: 'nobody', historyId: '1' }),
    ]) {
      expect(parsePushBody(b)).toBeNull();
    }
  });
});

describe('watch schedule', () => {
  it('renewDelayMs(): when the expiration is far, returns the time until renewBefore it', () => {
    expect(renewDelayMs(10_000_000, 1_000_000, 1_000_000)).toBe(8_000_000);
  });

  it('renewDelayMs(): when already inside renewBefore (or past), returns the minimum delay, never zero', () => {
    expect(renewDelayMs(1000, 5000, 2000)).toBe(MIN_RENEW_DELAY_MS);
  });

  it('retryDelayMs(): when failures repeat, doubles from 30 s up to an hour', () => {
    expect([1, 2, 3, 20].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 3_600_000]);
  });

  it('isCurrent(): when the stored watch is on another topic or inside renewBefore, returns false', () => {
    const w = { topicName: 'projects/p/topics/t', expiration: 10_000 };
    expect(isCurrent(w, 'projects/p/topics/t', 1000, 5000)).toBe(true);
    expect(isCurrent(w, 'projects/p/topics/other', 1000, 5000)).toBe(false);
    expect(isCurrent(w, 'projects/p/topics/t', 6000, 5000)).toBe(false);
    expect(isCurrent(undefined, 'projects/p/topics/t', 1000, 5000)).toBe(false);
  });
});
