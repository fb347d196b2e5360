import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/store/database.js';
import { scheduledBackup } from '../../../src/backup/backup-rotation.js';
import { restoreBackup, verifyBackup } from '../../../src/backup/backup-file.js';
import Database from 'better-sqlite3';

const key = { source: 'backup-key' as const, key: Buffer.alloc(32, 5) };

describe('scheduled backups', () => {
  const dirs: string[] = [];
  const tmp = (name: string) => {
    const d = mkdtempSync(join(tmpdir(), name));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('scheduledBackup(): keeps the newest N of its own files, leaves other files alone, and each one restores', async () => {
    const db = openDatabase(join(tmp('intake-sched-db-'), 'intake.sqlite'));
    const dir = tmp('intake-sched-out-');
    writeFileSync(join(dir, 'operator-notes.txt'), 'keep me');
    for (let day = 1; day <= 4; day++) {
      db.prepare("INSERT INTO contacts (email, name, created_at) VALUES (?, '', ?)").run(`c${day}@example.com`, day);
      await scheduledBackup(db, dir, 2, key, new Date(Date.UTC(2027, 0, day)));
    }
    db.close();
    expect(readdirSync(dir).sort()).toEqual(['intake-20270103T000000Z.ibak', 'intake-20270104T000000Z.ibak', 'operator-notes.txt']);
    const header = await verifyBackup(join(dir, 'intake-20270104T000000Z.ibak'), [key], tmp('intake-sched-scratch-'));
    expect(header).toMatchObject({ keySource: 'backup-key', createdAt: '2027-01-04T00:00:00.000Z' });
    expect(header.schemaVersion).toBeGreaterThanOrEqual(11);

    const target = join(tmp('intake-sched-restore-'), 'intake.sqlite');
    await restoreBackup(join(dir, 'intake-20270103T000000Z.ibak'), [key], target);
    const restored = new Database(target, { readonly: true });
    expect(restored.prepare('SELECT email FROM contacts ORDER BY id').all()).toEqual(
      [1, 2, 3].map((d) => ({ email: `c${d}@example.com` })),
    );
    restored.close();
    await expect(verifyBackup(join(dir, 'intake-20270104T000000Z.ibak'), [{ ...key, key: Buffer.alloc(32, 6) }], dir)).rejects.toThrow(
      /INTAKE_BACKUP_KEY whose id is/,
    );
  });
});
