// Scheduled backups: file names that sort by time, and which old ones to delete to keep N
// (pure), plus the one pass the daemon's timer runs.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../store/database.js';
import { createBackup, type BackupSummary } from './backup-file.js';
import type { BackupKey } from './backup-format.js';

const NAME = /^intake-\d{8}T\d{6}Z\.ibak$/;

export function backupFileName(now: Date): string {
  return `intake-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}.ibak`;
}

/** Backups beyond the newest `keep`, oldest first; files not named by Intake are never chosen. */
export function backupsToDelete(names: readonly string[], keep: number): string[] {
  const ours = names.filter((n) => NAME.test(n)).sort();
  return ours.slice(0, Math.max(0, ours.length - keep));
}

export async function scheduledBackup(
  db: Db,
  dir: string,
  keep: number,
  key: BackupKey,
  now = new Date(),
): Promise<{ summary: BackupSummary; deleted: string[] }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const summary = await createBackup(db, join(dir, backupFileName(now)), key, now);
  const deleted = backupsToDelete(readdirSync(dir), keep);
  for (const name of deleted) rmSync(join(dir, name), { force: true });
  return { summary, deleted };
}
