// Tiny flag reading for the privacy and backup commands: `--name VALUE` and bare `--flag`.
export function flagValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  const v = i >= 0 ? args[i + 1] : undefined;
  return v !== undefined && !v.startsWith('--') ? v : undefined;
}

export function hasFlag(args: readonly string[], name: string): boolean {
  return args.includes(name);
}
