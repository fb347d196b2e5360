// Intake's data directory and the files in it that hold mail or keys are private to the
// user it runs as: the directory 0700, the database, its WAL and SHM, and the key file 0600.
// Existing ones are tightened at start, so an upgrade from a looser install is covered.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the directory 0700; with `tightenExisting` (Intake's own dataDir) also narrows an existing one. */
export function ensurePrivateDir(dir: string, tightenExisting = false): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (tightenExisting) tighten(dir, PRIVATE_DIR_MODE);
}

/**
 * Creates the file empty and 0600 before anything writes it (SQLite then gives its WAL and
 * SHM the database file's mode), or tightens an existing one and its -wal / -shm.
 */
export function ensurePrivateFile(file: string, sidecars: readonly string[] = []): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const path of [file, ...sidecars.map((s) => `${file}${s}`)]) {
    if (existsSync(path)) tighten(path, PRIVATE_FILE_MODE);
  }
}

function tighten(path: string, mode: number): void {
  if ((statSync(path).mode & 0o777 & ~mode) === 0) return;
  try {
    chmodSync(path, mode);
  } catch {
    // Not ours to change (a mounted volume owned by another user): the operator's choice stands.
  }
}
