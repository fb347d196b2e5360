import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/store/database.js';
import { SecretBox } from '../../../src/crypto/secret-box.js';
import { loadInstanceSecret } from '../../../src/crypto/instance-secret.js';
import { subjectRefFn } from '../../../src/crypto/subject-ref.js';
import { rotateSealedValues } from '../../../src/crypto/rotate-sealed.js';

describe('instance secret across a key rotation', () => {
  it('loadInstanceSecret(): when the encryption key is rotated and the old key dropped, derives the same audit hashes', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'intake-rot-')), 'intake.sqlite');
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const db = openDatabase(file);
    const before = subjectRefFn(loadInstanceSecret(db, new SecretBox([oldKey])))('Customer@Example.com');
    const counts = rotateSealedValues(db, new SecretBox([newKey, oldKey]));
    expect(counts.find((c) => c.column === 'instance_secrets.cipher')?.rotated).toBe(1);
    const after = subjectRefFn(loadInstanceSecret(db, new SecretBox([newKey])))('customer@example.com');
    expect(after).toBe(before);
    expect(after).toMatch(/^addr:[0-9a-f]{24}$/);
    expect(() => loadInstanceSecret(db, new SecretBox([oldKey]))).toThrow(/not configured/);
    db.close();
  });

  it('loadInstanceSecret(): when two installations start, each gets its own root', () => {
    const key = randomBytes(32);
    const a = openDatabase(join(mkdtempSync(join(tmpdir(), 'intake-rot-')), 'a.sqlite'));
    const b = openDatabase(join(mkdtempSync(join(tmpdir(), 'intake-rot-')), 'b.sqlite'));
    expect(loadInstanceSecret(a, new SecretBox([key]))).not.toEqual(loadInstanceSecret(b, new SecretBox([key])));
    expect(loadInstanceSecret(a, new SecretBox([key]))).toEqual(loadInstanceSecret(a, new SecretBox([key])));
  });
});
