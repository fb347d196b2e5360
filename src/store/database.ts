// Opens the SQLite file with the pragmas Intake relies on (WAL, foreign keys, secure_delete)
// and applies the numbered migrations in src/store/migrations, each once, each in its own transaction.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntakeError } from '../errors/intake-error.js';
import { ensurePrivateDir, ensurePrivateFile } from './private-files.js';

export type Db = Database.Database;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function openDatabase(file: string, migrationsDir = MIGRATIONS_DIR): Db {
  let db: Db;
  try {
    if (file !== ':memory:') {
      ensurePrivateDir(dirname(file));
      ensurePrivateFile(file, ['-wal', '-shm']);
    }
    db = new Database(file);
  } catch (err) {
    throw new IntakeError('INTAKE_ERR_STORE', `cannot open the database at ${file}: ${(err as Error).message}`, false, {
      cause: err,
    });
  }
  // Deleted rows are overwritten with zeros, so an erased person's mail does not linger in
  // free pages (set per connection: it is not stored in the file).
  db.pragma('secure_delete = ON');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, readMigrations(migrationsDir));
  return db;
}

export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync(join(dir, f), 'utf8') }));
}

/** Idempotent: applied versions are recorded, so running it at every start is safe. */
export function migrate(db: Db, migrations: Migration[]): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set(
    db
      .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
      .all()
      .map((r) => r.version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    try {
      db.transaction(() => {
        db.exec(m.sql);
        record.run(m.version, m.name, Date.now());
      })();
    } catch (err) {
      throw new IntakeError('INTAKE_ERR_STORE', `migration ${m.version}-${m.name} failed: ${(err as Error).message}`, false, {
        cause: err,
      });
    }
    done.push(m.version);
  }
  return done;
}
