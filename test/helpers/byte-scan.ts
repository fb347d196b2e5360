// Scans the raw bytes of a SQLite database, its WAL and its SHM (every page, free pages
// included) for byte sequences, the way someone with the files on disk would.
import { existsSync, readFileSync } from 'node:fs';

export function dbFiles(dbFile: string): string[] {
  return [dbFile, `${dbFile}-wal`, `${dbFile}-shm`].filter((f) => existsSync(f));
}

/** Every needle (UTF-8, also lower-cased) found in any of the files, with the file it is in. */
export function findInFiles(dbFile: string, needles: readonly string[]): string[] {
  const found: string[] = [];
  const contents = dbFiles(dbFile).map((f) => ({ f, bytes: readFileSync(f) }));
  for (const needle of needles) {
    for (const variant of new Set([needle, needle.toLowerCase()])) {
      for (const { f, bytes } of contents) {
        if (bytes.includes(Buffer.from(variant, 'utf8'))) found.push(`${JSON.stringify(variant)} in ${f.split('/').at(-1)}`);
      }
    }
  }
  return found;
}
