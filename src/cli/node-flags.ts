// The Node flags the daemon runs with, read from the shebang of its entry file so that a bench
// or a test that starts `node <entry>` runs it as `intake` (the shebang) does.
import { readFileSync } from 'node:fs';

/** `#!/usr/bin/env -S node --a --b` -> ['--a', '--b']; [] when the shebang names no flags. */
export function nodeFlagsOf(entryFile: string): string[] {
  const first = readFileSync(entryFile, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\S*env(?:\s+-S)?\s+node((?:\s+--\S+)*)\s*$/.exec(first);
  return match?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}
