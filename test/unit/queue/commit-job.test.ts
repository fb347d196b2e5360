// A remote worker's commit payload: Buffers and Dates survive the trip, and a payload made
// with another key, or changed on the way, is refused (the store host then fetches itself).
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { commitJobId, decodeShipped, encodeShipped, type Shipped } from '../../../src/remote/commit-job.js';

const key = randomBytes(32);
const shipped: Shipped = {
  fetched: { raw: Buffer.from('Subject: hi\r\n\r\nbody'), threadId: 't1', labelIds: ['INBOX'], internalDate: 1_700_000_000_000 },
  analysis: null,
};

describe('commit payload', () => {
  it('round-trips raw bytes as a Buffer', () => {
    const back = decodeShipped(encodeShipped(shipped, key), key);
    expect(back).toEqual(shipped);
    expect(back && back.fetched !== 'gone' && Buffer.isBuffer(back.fetched.raw)).toBe(true);
  });

  it('refuses another key, a changed body, a changed MAC and a payload without one', () => {
    const payload = encodeShipped(shipped, key);
    expect(decodeShipped(payload, randomBytes(32))).toBeNull();
    const [body = '', mac = ''] = payload.split('.');
    const flipped = `${body.slice(0, 10)}${body[10] === 'A' ? 'B' : 'A'}${body.slice(11)}.${mac}`;
    expect(decodeShipped(flipped, key)).toBeNull();
    expect(decodeShipped(`${body}.${mac.slice(1)}`, key)).toBeNull();
    expect(decodeShipped(body, key)).toBeNull();
  });

  it('a commit id follows its ingest job id', () => {
    expect(commitJobId({ mailboxId: 3, providerMessageId: 'abc' })).toBe('commit:ingest:3:abc');
  });
});
