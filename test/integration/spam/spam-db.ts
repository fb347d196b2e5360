// A real SQLite file with the real migrations, in its own temp dir, for spam integration tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/store/database.js';
import type { Db } from '../../../src/store/database.js';

export interface TempDb {
  db: Db;
  file: string;
  dir: string;
  close(): void;
}

export function tempDb(): TempDb {
  const dir = mkdtempSync(`${tmpdir()}/intake-`);
  const file = join(dir, 'intake.sqlite');
  const db = openDatabase(file);
  return {
    db,
    file,
    dir,
    close: () => {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
