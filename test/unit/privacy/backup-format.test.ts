import { describe, expect, it } from 'vitest';
import { backupFileName, backupsToDelete } from '../../../src/backup/backup-rotation.js';
import { decodePrelude, encodePrelude, keyIdOf, pickKey, type BackupHeader } from '../../../src/backup/backup-format.js';

const header: BackupHeader = {
  format: 'intake-backup',
  version: 1,
  createdAt: '2027-01-01T00:00:00.000Z',
  keySource: 'backup-key',
  keyId: keyIdOf(Buffer.alloc(32, 1)),
  kdf: 'hkdf-sha256',
  salt: 'c2FsdA==',
  cipher: 'aes-256-gcm',
  iv: 'aXY=',
  schemaVersion: 11,
};

describe('backup file format', () => {
  it('decodePrelude(): reads back what encodePrelude() wrote', () => {
    const prelude = encodePrelude(header);
    expect(decodePrelude(Buffer.concat([prelude, Buffer.alloc(40)]))).toEqual({ ok: true, header, length: prelude.length });
  });

  it('decodePrelude(): when the file is not a backup, says so', () => {
    expect(decodePrelude(Buffer.from('SQLite format 3\0 and more bytes'))).toEqual({
      ok: false,
      problem: 'not an Intake backup file (wrong magic bytes)',
    });
  });

  it('pickKey(): when only the secret key is configured for a backup-key file, finds none', () => {
    const backupKey = { source: 'backup-key' as const, key: Buffer.alloc(32, 1) };
    const secret = { source: 'secret-key' as const, key: Buffer.alloc(32, 1) };
    expect(pickKey(header, [secret])).toBeNull();
    expect(pickKey(header, [secret, backupKey])).toBe(backupKey);
  });
});

describe('backup rotation', () => {
  it('backupFileName(): sorts by time', () => {
    expect(backupFileName(new Date('2027-03-04T05:06:07.890Z'))).toBe('intake-20270304T050607Z.ibak');
  });

  it('backupsToDelete(): keeps the newest N of its own files and never touches others', () => {
    const names = [
      'intake-20270103T000000Z.ibak',
      'notes.txt',
      'intake-20270101T000000Z.ibak',
      'intake-20270102T000000Z.ibak',
      'intake-x.ibak',
    ];
    expect(backupsToDelete(names, 2)).toEqual(['intake-20270101T000000Z.ibak']);
    expect(backupsToDelete(names, 5)).toEqual([]);
  });
});
