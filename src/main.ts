#!/usr/bin/env node
// The composition root and the only place that exits the process: runs the `intake`
// command line (default: start the daemon) and turns its outcome into an exit code.
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
