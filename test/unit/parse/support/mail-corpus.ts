// Locates the real-mail fixtures copied into this repository (test/fixtures/mail/<source>/,
// each with its LICENSE and README), so tests name messages by their path under it instead
// of building paths themselves. Nothing here reads outside the repository.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The real-mail corpora the parser and ingest tests walk (every source folder); tests run from the repository root. */
export const CORPUS_ROOT = path.resolve(process.cwd(), 'test/fixtures/mail');
/** How many messages the copied corpora hold; a lost or emptied folder fails the tests that walk them. */
export const EXPECTED_CORPUS_MESSAGES = 153;

const NOT_MAIL = /(^|\/)(LICENSE|README\.md)$/;

export function corpusExists(): boolean {
  return existsSync(CORPUS_ROOT) && statSync(CORPUS_ROOT).isDirectory();
}

/**
 * Every message file under the fixtures, relative to the root, sorted. Throws when the folder
 * is missing, so a lost fixture is a failing test, never an empty `it.each`.
 */
export function listCorpusFiles(): string[] {
  if (!corpusExists()) throw new Error(`mail fixtures missing at ${CORPUS_ROOT}: restore test/fixtures/mail from git`);
  return walk(CORPUS_ROOT)
    .map((p) => path.relative(CORPUS_ROOT, p))
    .filter((p) => !NOT_MAIL.test(p))
    .sort();
}

export function readCorpusMail(relativePath: string): Buffer {
  const file = path.join(CORPUS_ROOT, relativePath);
  if (!existsSync(file)) throw new Error(`fixture message ${relativePath} not found under ${CORPUS_ROOT}`);
  return readFileSync(file);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}
