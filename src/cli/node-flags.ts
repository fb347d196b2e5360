// The Node flags and environment the daemon runs with, read from the shebang of its entry file
// so that a bench or a test that starts `node <entry>` runs it as `intake` (the shebang) does.
import { readFileSync } from 'node:fs';

// `#!/usr/bin/env -S NAME=VALUE… node --a --b`
const SHEBANG = /^#!\S*env(?:\s+-S)?((?:\s+[A-Z][A-Z0-9_]*=\S+)*)\s+node((?:\s+--\S+)*)\s*$/;

function shebangOf(entryFile: string): RegExpExecArray | null {
  return SHEBANG.exec(readFileSync(entryFile, 'utf8').split('\n', 1)[0] ?? '');
}

/** `#!/usr/bin/env -S node --a --b` -> ['--a', '--b']; [] when the shebang names no flags. */
export function nodeFlagsOf(entryFile: string): string[] {
  return shebangOf(entryFile)?.[2]?.trim().split(/\s+/).filter(Boolean) ?? [];
}

/** `#!/usr/bin/env -S A=1 node …` -> { A: '1' }: variables the process needs before it starts. */
export function nodeEnvOf(entryFile: string): Record<string, string> {
  const assignments = shebangOf(entryFile)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
  return Object.fromEntries(assignments.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
}
