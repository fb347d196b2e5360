// Where a worker thread's code is: the built .js beside its caller, or, when running from the
// .ts sources (tests, benches), the .ts file with the hook that lets its imports resolve.
export interface ThreadEntry {
  url: URL;
  execArgv: string[];
}

/** `name` is the module's file name without extension, beside `callerUrl` (the caller's import.meta.url). */
export function threadEntry(callerUrl: string, name: string): ThreadEntry {
  const source = callerUrl.endsWith('.ts');
  return {
    url: new URL(`./${name}.${source ? 'ts' : 'js'}`, callerUrl),
    execArgv: source ? ['--disable-warning=ExperimentalWarning', '--import', new URL('./ts-source-hooks.ts', import.meta.url).href] : [],
  };
}
