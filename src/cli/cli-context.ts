// What every CLI command is handed: where to write, and how to hear signals and fatal
// errors. main.ts supplies the real process; tests supply their own streams.
export interface CliContext {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  onSignal: (handler: () => void) => void;
  fatal: (handler: (err: unknown) => void) => void;
  env?: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
