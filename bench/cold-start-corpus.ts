// Builds the cold-start test corpus (for `bench:spam -- --test DIR`): ham/ holds every real
// message of the repository's fixtures (test/fixtures/mail: parser-test mail of five
// projects, none of it spam), spam/ the modern spam of lib/modern-spam.ts. Usage:
//   npx tsx bench/cold-start-corpus.ts OUT_DIR
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { modernSpam } from './lib/modern-spam.js';

const PER_FAMILY = 8;
const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: npx tsx bench/cold-start-corpus.ts OUT_DIR\n');
  process.exit(2);
}
const fixtures = resolve('test/fixtures/mail');
mkdirSync(join(out, 'ham'), { recursive: true });
mkdirSync(join(out, 'spam'), { recursive: true });
let ham = 0;
const walk = (dir: string): void => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name !== 'LICENSE' && name !== 'README.md') copyFileSync(path, join(out, 'ham', `${ham++}-${basename(path)}`));
  }
};
walk(fixtures);
const spam = modernSpam(PER_FAMILY, 19);
spam.forEach((raw, i) => writeFileSync(join(out, 'spam', `${i}.eml`), raw));
process.stderr.write(`wrote ${ham} ham (fixtures) and ${spam.length} spam (modern templates) to ${out}\n`);
