// The repository stands alone: no source, test, benchmark or script reaches outside it (a
// clone has nothing beside it), and no test is switched off. A scan of the files as committed.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const SCANNED = ['src', 'test', 'bench', 'scripts', '.ci'];
const CODE = /\.(ts|mts|js|mjs|sh|json)$|^run$/;
const SELF = 'test/unit/repo/stands-alone.test.ts';

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = join(dir, e.name);
    if (e.isDirectory()) return rel.startsWith('test/fixtures') ? [] : files(rel);
    return CODE.test(e.name) ? [rel] : [];
  });
}

const scanned = SCANNED.flatMap(files).filter((f) => relative(ROOT, join(ROOT, f)) !== SELF);

// Built from parts so this file does not match itself.
const OUTSIDE = [['..', 'shared'].join('/'), ['', 'work', ''].join('/'), ['', 'home', ''].join('/'), ['', 'root', ''].join('/')];
const SWITCHED_OFF = ['.only(', '.skip(', 'skipIf(', 'runIf(', '.todo(', 'describe.skip', 'it.skip'];

describe('the repository stands alone', () => {
  it('scan: finds the files it is meant to scan', () => {
    expect(scanned.length).toBeGreaterThan(200);
    expect(scanned).toContain('src/main.ts');
  });

  it('scan: when a file names a path outside the repository (the shared folder, /work, /home, /root), fails naming it', () => {
    const offenders = scanned.filter((f) => OUTSIDE.some((p) => readFileSync(join(ROOT, f), 'utf8').includes(p)));
    expect(offenders).toEqual([]);
  });

  it('scan: when a test is switched off (.only, .skip, skipIf, runIf, todo), fails naming the file', () => {
    const offenders = scanned
      .filter((f) => f.startsWith('test/'))
      .filter((f) => SWITCHED_OFF.some((p) => readFileSync(join(ROOT, f), 'utf8').includes(p)));
    expect(offenders).toEqual([]);
  });
});
