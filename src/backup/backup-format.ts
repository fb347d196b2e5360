// The encrypted backup file's format, as pure functions: an 8-byte magic, a length-prefixed
// JSON header naming the key (which source, its id) and the cipher parameters, then the
// AES-256-GCM ciphertext of the SQLite file and the 16-byte tag. The header is the
// cipher's additional data, so neither it nor the body can be changed unnoticed.
import { createHash, hkdfSync } from 'node:crypto';

export const MAGIC = Buffer.from('INTKBAK1', 'ascii');
export const TAG_BYTES = 16;

export type BackupKeySource = 'backup-key' | 'secret-key';

export interface BackupHeader {
  format: 'intake-backup';
  version: 1;
  createdAt: string;
  keySource: BackupKeySource;
  /** First 12 hex digits of SHA-256 of the key: says which key, reveals nothing of it. */
  keyId: string;
  kdf: 'hkdf-sha256';
  salt: string;
  cipher: 'aes-256-gcm';
  iv: string;
  /** Latest migration applied in the backed-up database. */
  schemaVersion: number;
}

export interface BackupKey {
  source: BackupKeySource;
  key: Buffer;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export function fileKey(key: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, 'intake backup v1', 32));
}

/** The bytes before the ciphertext (magic, length, header JSON); also the GCM additional data. */
export function encodePrelude(header: BackupHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  return Buffer.concat([MAGIC, len, json]);
}

export type PreludeResult = { ok: true; header: BackupHeader; length: number } | { ok: false; problem: string };

export function decodePrelude(head: Buffer): PreludeResult {
  if (head.length < 12 || !head.subarray(0, 8).equals(MAGIC))
    return { ok: false, problem: 'not an Intake backup file (wrong magic bytes)' };
  const len = head.readUInt32BE(8);
  if (len > 64 * 1024 || head.length < 12 + len) return { ok: false, problem: 'the backup header is truncated or malformed' };
  try {
    const header = JSON.parse(head.subarray(12, 12 + len).toString('utf8')) as BackupHeader;
    if (header.format !== 'intake-backup' || header.version !== 1) return { ok: false, problem: 'unsupported backup format or version' };
    return { ok: true, header, length: 12 + len };
  } catch {
    return { ok: false, problem: 'the backup header is not valid JSON' };
  }
}

/** The key a header names, among those configured; null when none matches. */
export function pickKey(header: BackupHeader, keys: readonly BackupKey[]): BackupKey | null {
  return keys.find((k) => k.source === header.keySource && keyIdOf(k.key) === header.keyId) ?? null;
}
