#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=4 --expose-gc
// The composition root and the only place that exits the process: runs the `intake`
// command line (default: start the daemon) and turns its outcome into an exit code.
// --max-semi-space-size=4: V8 otherwise grows the young generation to ~50 MB on start-up and
// keeps it while idle; 4 MB semi-spaces hold an idle daemon near 140 MB (npm run bench:startup).
// The same flag is in package.json (start, demo) and the Dockerfile (test/unit/repo/node-flags.test.ts).
import { runCli } from './cli/intake.js';

const code = await runCli(process.argv.slice(2), {
  out: process.stdout,
  err: process.stderr,
  onSignal: (handler: () => void) => {
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  },
  fatal: (handler: (err: unknown) => void) => {
    process.on('uncaughtException', handler);
    process.on('unhandledRejection', handler);
  },
});
process.exit(code);
