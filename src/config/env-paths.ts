// Maps configuration keys to INTAKE_* environment variable names and parses env strings
// into the type the default value has (sync.pollIntervalSeconds -> INTAKE_SYNC_POLL_INTERVAL_SECONDS).
import { isPlainObject, type PlainObject } from './merge.js';

export interface Leaf {
  path: string[];
  sample: unknown;
}

export function leafPaths(obj: PlainObject, prefix: string[] = []): Leaf[] {
  return Object.entries(obj).flatMap(([key, value]) =>
    isPlainObject(value) ? leafPaths(value, [...prefix, key]) : [{ path: [...prefix, key], sample: value }],
  );
}

export function envNameFor(path: string[]): string {
  return `INTAKE_${path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
}

/** Returns the parsed value, or the raw string when it does not parse so validation names the problem. */
export function parseEnvValue(raw: string, sample: unknown): unknown {
  if (typeof sample === 'number') return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  if (typeof sample === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (Array.isArray(sample)) {
    if (raw.trim().startsWith('[')) {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
    }
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return raw;
}

export function setPath(target: PlainObject, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = isPlainObject(next) ? next : (node[key] = {});
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}
