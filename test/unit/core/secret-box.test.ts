import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { SecretBox, keyIdOf } from '../../../src/crypto/secret-box.js';
import { parseKeyList } from '../../../src/crypto/key-source.js';

describe('SecretBox', () => {
  it('seal(): when opened with the same key, returns the plaintext, and the ciphertext names the key', () => {
    const key = randomBytes(32);
    const box = new SecretBox([key]);
    const sealed = box.seal('1//refresh-token-value');
    expect(sealed).not.toContain('refresh-token-value');
    expect(box.keyIdOfSealed(sealed)).toBe(keyIdOf(key));
    expect(box.open(sealed)).toBe('1//refresh-token-value');
  });

  it('open(): when the key is an old one still configured, opens it; when not configured, says which key is missing', () => {
    const oldKey = randomBytes(32);
    const sealed = new SecretBox([oldKey]).seal('secret');
    expect(new SecretBox([randomBytes(32), oldKey]).open(sealed)).toBe('secret');
    expect(() => new SecretBox([randomBytes(32)]).open(sealed)).toThrow(new RegExp(keyIdOf(oldKey)));
  });

  it('open(): when one byte of the ciphertext is changed, refuses it', () => {
    const box = new SecretBox([randomBytes(32)]);
    const parts = box.seal('secret').split(':');
    const body = Buffer.from(parts[4] as string, 'base64url');
    body[0] = (body[0] as number) ^ 1;
    parts[4] = body.toString('base64url');
    expect(() => box.open(parts.join(':'))).toThrow(/failed authentication/);
  });

  it('parseKeyList(): when a key is not 32 bytes of base64, explains how to make one', () => {
    expect(() => parseKeyList('c2hvcnQ=')).toThrow(/openssl rand -base64 32/);
    expect(parseKeyList(`${randomBytes(32).toString('base64')},${randomBytes(32).toString('base64')}`)).toHaveLength(2);
  });
});
