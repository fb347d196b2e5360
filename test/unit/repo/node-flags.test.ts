// The daemon's Node flags live in its shebang; every other way the project starts it must pass
// the same ones, or the footprint bench:startup measures is not the one operators get.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeEnvOf, nodeFlagsOf } from '../../../src/cli/node-flags.js';

const root = process.cwd();
const flags = nodeFlagsOf(join(root, 'src', 'main.ts'));
const env = nodeEnvOf(join(root, 'src', 'main.ts'));
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('the daemon’s node flags', () => {
  it('nodeFlagsOf(): reads the flags of an env -S shebang', () => {
    expect(flags).toEqual(['--max-semi-space-size=4', '--expose-gc']);
  });

  it('nodeEnvOf(): reads the variable assignments of an env -S shebang (glibc malloc arenas, set before the process starts)', () => {
    expect(env).toEqual({ MALLOC_ARENA_MAX: '2' });
  });

  it.each([['start'], ['demo']])('package.json script "%s": starts dist/main.js with the shebang’s environment and flags', (name) => {
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    expect(scripts[name]).toContain(`${assignments.join(' ')} node ${flags.join(' ')} dist/main.js`);
  });

  it('Dockerfile ENV: sets the shebang’s environment', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    for (const [k, v] of Object.entries(env)) expect(dockerfile).toMatch(new RegExp(`^\\s*(ENV\\s+)?${k}=${v}\\b`, 'm'));
  });

  it('Dockerfile CMD: starts dist/main.js with the shebang’s flags', () => {
    const cmd = readFileSync(join(root, 'Dockerfile'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('CMD ['));
    expect(JSON.parse(cmd?.slice('CMD '.length) ?? 'null')).toEqual(['node', ...flags, 'dist/main.js']);
  });
});
