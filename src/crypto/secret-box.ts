// Encrypts secrets at rest (refresh tokens) with AES-256-GCM. Each ciphertext names the
// id of the key that sealed it, so old keys can stay readable while a rotation runs.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { IntakeError } from '../errors/intake-error.js';

const VERSION = 'v1';

export interface KeyEntry {
  id: string;
  key: Buffer;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export class SecretBox {
  readonly activeKeyId: string;
  private readonly keys: Map<string, Buffer>;

  /** keys[0] seals; every key opens what it sealed. */
  constructor(keys: Buffer[]) {
    const first = keys[0];
    if (!first) throw new IntakeError('INTAKE_ERR_SECRET_KEY', 'no secret key configured');
    for (const k of keys) {
      if (k.length !== 32) {
        throw new IntakeError('INTAKE_ERR_SECRET_KEY', `a secret key must be 32 bytes (base64 of 32 random bytes), got ${k.length}`);
      }
    }
    this.keys = new Map(keys.map((k) => [keyIdOf(k), k]));
    this.activeKeyId = keyIdOf(first);
  }

  seal(plaintext: string): string {
    const key = this.keys.get(this.activeKeyId) as Buffer;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    // The key id is bound as additional data: a ciphertext cannot be relabelled to another key.
    cipher.setAAD(Buffer.from(this.activeKeyId));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      this.activeKeyId,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join(':');
  }

  open(sealed: string): string {
    const [version, keyId, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !keyId || !iv || !tag || body === undefined) {
      throw new IntakeError('INTAKE_ERR_DECRYPT', 'stored secret is not in the expected v1 format');
    }
    const key = this.keys.get(keyId);
    if (!key) {
      throw new IntakeError('INTAKE_ERR_DECRYPT', `stored secret was sealed with key ${keyId}, which is not configured`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(keyId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new IntakeError('INTAKE_ERR_DECRYPT', `stored secret failed authentication under key ${keyId}`, false, { cause: err });
    }
  }

  keyIdOfSealed(sealed: string): string | undefined {
    return sealed.split(':')[1];
  }
}
