// Locates the shared real-mail corpora and this repo's own fixtures, so tests name messages by
// their path under the corpus instead of building absolute paths themselves.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The corpora live beside the repo (see /work/shared/corpora/README.md); tests run from the repo root. */
export const CORPUS_ROOT = path.resolve(process.cwd(), '../shared/corpora/mail');
export const FIXTURE_ROOT = path.resolve(process.cwd(), 'test/fixtures/mail');

export function corpusExists(): boolean {
  return existsSync(CORPUS_ROOT) && statSync(CORPUS_ROOT).isDirectory();
}

/** Every file under the corpus, relative to it, sorted; [] when the corpus is missing. */
export function listCorpusFiles(): string[] {
  return corpusExists()
    ? walk(CORPUS_ROOT)
        .map((p) => path.relative(CORPUS_ROOT, p))
        .sort()
    : [];
}

export function readCorpusMail(relativePath: string): Buffer {
  const file = path.join(CORPUS_ROOT, relativePath);
  if (!existsSync(file)) throw new Error(`corpus message ${relativePath} not found under ${CORPUS_ROOT}`);
  return readFileSync(file);
}

export function readFixtureMail(relativePath: string): Buffer {
  return readFileSync(path.join(FIXTURE_ROOT, relativePath));
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}
