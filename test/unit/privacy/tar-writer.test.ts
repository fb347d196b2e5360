import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTar, safeEntryName, writeTar } from '../../../src/privacy/export/tar-writer.js';

describe('writeTar()', () => {
  it('writeTar(): produces an archive that the system tar extracts byte for byte', () => {
    const data = Buffer.from([0, 1, 2, 255, ...Buffer.from('é and more')]);
    const archive = writeTar([
      { name: 'subject.json', data: Buffer.from('{"a":1}\n'), mtime: new Date(0) },
      { name: 'attachments/7-photo.bin', data, mtime: new Date(0) },
    ]);
    expect(archive.length % 512).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'intake-tar-'));
    writeFileSync(join(dir, 'x.tar'), archive);
    execFileSync('tar', ['-xf', 'x.tar'], { cwd: dir });
    expect(readFileSync(join(dir, 'subject.json'), 'utf8')).toBe('{"a":1}\n');
    expect(readFileSync(join(dir, 'attachments/7-photo.bin'))).toEqual(data);
    expect(readTar(archive).get('attachments/7-photo.bin')).toEqual(data);
  });

  it('safeEntryName(): when a file name climbs directories or is too long, keeps it inside and under 100 bytes', () => {
    expect(safeEntryName('attachments/1-', '../../etc/passwd')).toBe('attachments/1-__.._etc_passwd');
    expect(Buffer.byteLength(safeEntryName('attachments/2-', 'é'.repeat(200)))).toBeLessThanOrEqual(100);
  });
});
