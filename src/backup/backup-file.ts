// Taking and opening encrypted backups. The snapshot is SQLite's online backup (consistent
// while other connections write), streamed through AES-256-GCM into the output; opening
// streams it back, and only a file whose tag checks and whose SQLite passes
// integrity_check is accepted.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import Database from 'better-sqlite3';
import type { Db } from '../store/database.js';
import { IntakeError } from '../errors/intake-error.js';
import { TAG_BYTES, decodePrelude, encodePrelude, fileKey, keyIdOf, pickKey, type BackupHeader, type BackupKey } from './backup-format.js';

export interface BackupSummary {
  file: string;
  bytes: number;
  header: BackupHeader;
}

const refuse = (message: string): IntakeError => new IntakeError('INTAKE_ERR_BACKUP', message);

function schemaVersionOf(db: Db): number {
  return db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations').get()?.v ?? 0;
}

/** Writes an encrypted backup of `db` to `out` (via `out.partial`, renamed when complete). */
export async function createBackup(db: Db, out: string, key: BackupKey, now = new Date()): Promise<BackupSummary> {
  const plain = `${out}.plain-${randomBytes(4).toString('hex')}`;
  const partial = `${out}.partial`;
  try {
    // The plaintext copy exists only for the moment it takes to encrypt it, readable by us alone.
    writeFileSync(plain, '', { mode: 0o600 });
    // One big step: the copy finishes in one read transaction, so a busy writer cannot make it restart forever.
    await db.backup(plain, { progress: ({ totalPages }) => Math.max(totalPages, 1000) });
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const header: BackupHeader = {
      format: 'intake-backup',
      version: 1,
      createdAt: now.toISOString(),
      keySource: key.source,
      keyId: keyIdOf(key.key),
      kdf: 'hkdf-sha256',
      salt: salt.toString('base64'),
      cipher: 'aes-256-gcm',
      iv: iv.toString('base64'),
      schemaVersion: schemaVersionOf(db),
    };
    const prelude = encodePrelude(header);
    const cipher = createCipheriv('aes-256-gcm', fileKey(key.key, salt), iv);
    cipher.setAAD(prelude);
    const sink = createWriteStream(partial, { mode: 0o600 });
    sink.write(prelude);
    await pipeline(createReadStream(plain), cipher, sink, { end: false });
    await new Promise<void>((resolve, reject) => sink.end(cipher.getAuthTag(), () => resolve()).on('error', reject));
    renameSync(partial, out);
    return { file: out, bytes: statSync(out).size, header };
  } finally {
    rmSync(plain, { force: true });
    rmSync(partial, { force: true });
  }
}

function readPrelude(file: string): { header: BackupHeader; length: number; size: number } {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw refuse(`cannot read the backup file ${file}: it does not exist or is not readable`);
  }
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 64 * 1024 + 12));
    readSync(fd, head, 0, head.length, 0);
    const decoded = decodePrelude(head);
    if (!decoded.ok) throw refuse(`refused ${file}: ${decoded.problem}`);
    if (size < decoded.length + TAG_BYTES) throw refuse(`refused ${file}: the file is truncated`);
    return { header: decoded.header, length: decoded.length, size };
  } finally {
    closeSync(fd);
  }
}

/** Reads the header without decrypting (which key, when, which schema). */
export function backupHeader(file: string): BackupHeader {
  return readPrelude(file).header;
}

/** Decrypts into `dest`; throws INTAKE_ERR_BACKUP (and leaves no `dest`) when the key is missing or the file was changed. */
export async function decryptBackup(file: string, keys: readonly BackupKey[], dest: string): Promise<BackupHeader> {
  const { header, length, size } = readPrelude(file);
  const key = pickKey(header, keys);
  if (!key) {
    const which = header.keySource === 'backup-key' ? 'INTAKE_BACKUP_KEY' : 'INTAKE_SECRET_KEY';
    throw refuse(`this backup was encrypted with the ${which} whose id is ${header.keyId}; set that key and try again`);
  }
  const prelude = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  const tag = Buffer.alloc(TAG_BYTES);
  try {
    readSync(fd, prelude, 0, length, 0);
    readSync(fd, tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    closeSync(fd);
  }
  const decipher = createDecipheriv('aes-256-gcm', fileKey(key.key, Buffer.from(header.salt, 'base64')), Buffer.from(header.iv, 'base64'));
  decipher.setAAD(prelude);
  decipher.setAuthTag(tag);
  try {
    await pipeline(
      createReadStream(file, { start: length, end: size - TAG_BYTES - 1 }),
      decipher as unknown as Transform,
      createWriteStream(dest, { mode: 0o600 }),
    );
  } catch {
    rmSync(dest, { force: true });
    throw refuse(`refused ${file}: it was changed or damaged after it was written (authentication failed); use another backup`);
  }
  return header;
}

function checkSqlite(file: string): void {
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const result = db.prepare<[], { integrity_check: string }>('PRAGMA integrity_check').get();
    if (result?.integrity_check !== 'ok') throw new Error(result?.integrity_check ?? 'no answer');
    schemaVersionOf(db);
  } catch (err) {
    throw refuse(`the backup decrypted but its database is not sound (${(err as Error).message}); use another backup`);
  } finally {
    db?.close();
  }
}

export async function verifyBackup(file: string, keys: readonly BackupKey[], scratchDir: string): Promise<BackupHeader> {
  const tmp = join(scratchDir, `.intake-verify-${randomBytes(4).toString('hex')}.sqlite`);
  try {
    const header = await decryptBackup(file, keys, tmp);
    checkSqlite(tmp);
    return header;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Restores into `dbFile`, which must not exist yet (an empty data dir); nothing is left behind on failure. */
export async function restoreBackup(file: string, keys: readonly BackupKey[], dbFile: string): Promise<BackupHeader> {
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) {
    let exists = true;
    try {
      statSync(f);
    } catch {
      exists = false;
    }
    if (exists) throw refuse(`refusing to restore over ${f}: restore into an empty data dir (move the current database away first)`);
  }
  const tmp = join(dirname(dbFile), `.intake-restore-${randomBytes(4).toString('hex')}.sqlite`);
  try {
    const header = await decryptBackup(file, keys, tmp);
    checkSqlite(tmp);
    renameSync(tmp, dbFile);
    return header;
  } finally {
    rmSync(tmp, { force: true });
  }
}
