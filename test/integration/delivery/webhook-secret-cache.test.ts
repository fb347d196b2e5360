import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../../src/store/database.js';
import { SecretBox } from '../../../src/crypto/secret-box.js';
import { WebhookRepo, type SecretSealer } from '../../../src/delivery/webhook-repo.js';

/** A SecretBox that counts how often a sealed secret is opened. */
function countingBox(): SecretSealer & { opens: number } {
  const box = new SecretBox([randomBytes(32)]);
  const counting = {
    opens: 0,
    seal: (plaintext: string) => box.seal(plaintext),
    open: (sealed: string) => {
      counting.opens++;
      return box.open(sealed);
    },
  };
  return counting;
}

describe('webhook endpoint secrets kept opened in memory', () => {
  it('secretOf(): when asked again, opens the sealed secret once; a rotation or removal by this or another process is seen at the next read', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'intake-secret-cache-')), 'intake.sqlite');
    const db = openDatabase(file);
    const box = countingBox();
    const repo = new WebhookRepo(db, box);
    const { endpoint, secret } = repo.create({ url: 'https://hooks.example.com/a', events: [], description: '', createdBy: 'test' });

    expect(repo.secretOf(endpoint.id)).toBe(secret);
    expect(repo.forDelivery(endpoint.id)?.secret).toBe(secret);
    expect(repo.secretOf(endpoint.id)).toBe(secret);
    expect(box.opens).toBe(1);

    const rotated = repo.rotateSecret(endpoint.id);
    expect(rotated).toBeDefined();
    expect(rotated).not.toBe(secret);
    expect(repo.secretOf(endpoint.id)).toBe(rotated);

    // Another process (its own connection and repo) rotates: the sealed value in the row changed.
    const other = new WebhookRepo(openDatabase(file), box);
    const rotatedElsewhere = other.rotateSecret(endpoint.id);
    expect(rotatedElsewhere).toBeDefined();
    expect(repo.secretOf(endpoint.id)).toBe(rotatedElsewhere);

    expect(other.remove(endpoint.id)).toBe(true);
    expect(repo.secretOf(endpoint.id)).toBeUndefined();
    expect(repo.forDelivery(endpoint.id)).toBeUndefined();
  });
});
