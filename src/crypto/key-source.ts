// Where the secret keys come from: INTAKE_SECRET_KEY (comma-separated base64 keys, the
// first one active) or, on an install that set none, a key file created once in dataDir.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { IntakeError } from '../errors/intake-error.js';

export interface KeySource {
  keys: Buffer[];
  generatedFile?: string;
}

export function parseKeyList(value: string): Buffer[] {
  const keys = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => Buffer.from(s, 'base64'));
  if (keys.length === 0 || keys.some((k) => k.length !== 32)) {
    throw new IntakeError(
      'INTAKE_ERR_SECRET_KEY',
      'INTAKE_SECRET_KEY must be base64 of 32 random bytes (several comma-separated, newest first); generate one with `openssl rand -base64 32`',
    );
  }
  return keys;
}

export function loadKeys(configured: string | undefined, dataDir: string): KeySource {
  if (configured) return { keys: parseKeyList(configured) };
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) {
    // A key file others can read is tightened: it opens every sealed secret.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return { keys: parseKeyList(readFileSync(file, 'utf8')) };
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { keys: parseKeyList(readFileSync(file, 'utf8')), generatedFile: file };
}
