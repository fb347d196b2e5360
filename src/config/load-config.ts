// Builds the one frozen Config: config/default.json <- config/$NODE_ENV.json <- INTAKE_*
// environment <- secrets (env or *_FILE). The only module that reads process.env.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, SECRET_ENV, type Config } from './config-schema.js';
import { deepFreeze, deepMerge, isPlainObject, type PlainObject } from './merge.js';
import { envNameFor, leafPaths, parseEnvValue, setPath } from './env-paths.js';

/** Every problem found, one per key, values of secrets never included. */
export class ConfigError extends Error {
  readonly code = 'INTAKE_ERR_CONFIG';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  configDir?: string;
  /** Applied last, before validation: used by the demo and tests. */
  overrides?: PlainObject;
}

const NON_CONFIG_ENV = new Set(['INTAKE_CONFIG_DIR']);

export function defaultConfigDir(): string {
  // src/config or dist/config -> package root/config, whatever the working directory.
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config');
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const dir = options.configDir ?? env.INTAKE_CONFIG_DIR ?? defaultConfigDir();
  const problems: string[] = [];
  const defaults = readJson(join(dir, 'default.json'), problems) ?? {};
  let merged = deepMerge({}, defaults);
  const nodeEnv = env.NODE_ENV;
  if (nodeEnv && existsSync(join(dir, `${nodeEnv}.json`))) {
    merged = deepMerge(merged, readJson(join(dir, `${nodeEnv}.json`), problems) ?? {});
  }
  merged = deepMerge(merged, envOverrides(env, defaults, problems));
  merged.secrets = readSecrets(env, problems);
  if (options.overrides) merged = deepMerge(merged, options.overrides);
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(describeIssue(issue));
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return deepFreeze(resolvePaths(parsed.data));
}

function readJson(file: string, problems: string[]): PlainObject | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isPlainObject(value)) return value;
    problems.push(`${file}: expected a JSON object at the top level`);
  } catch (err) {
    problems.push(`${file}: cannot read as JSON (${(err as Error).message})`);
  }
  return undefined;
}

function envOverrides(env: NodeJS.ProcessEnv, defaults: PlainObject, problems: string[]): PlainObject {
  const byName = new Map(leafPaths(defaults).map((leaf) => [envNameFor(leaf.path), leaf]));
  const out: PlainObject = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('INTAKE_') || raw === undefined || NON_CONFIG_ENV.has(name)) continue;
    if (name in SECRET_ENV || name.slice(0, -'_FILE'.length) in SECRET_ENV) continue;
    const leaf = byName.get(name);
    if (!leaf) {
      problems.push(`${name}: unknown environment variable (no such configuration key)`);
      continue;
    }
    setPath(out, leaf.path, parseEnvValue(raw, leaf.sample));
  }
  return out;
}

function readSecrets(env: NodeJS.ProcessEnv, problems: string[]): PlainObject {
  const secrets: PlainObject = {};
  for (const [name, key] of Object.entries(SECRET_ENV)) {
    const fileName = `${name}_FILE`;
    if (env[name] !== undefined && env[fileName] !== undefined) {
      problems.push(`${name}: set either ${name} or ${fileName}, not both`);
    } else if (env[name] !== undefined) {
      secrets[key] = env[name];
    } else if (env[fileName] !== undefined) {
      try {
        secrets[key] = readFileSync(env[fileName], 'utf8').trim();
      } catch {
        problems.push(`${fileName}: cannot read the file it names; expected a readable file holding the secret`);
      }
    }
  }
  return secrets;
}

function describeIssue(issue: { path: PropertyKey[]; message: string; code: string; keys?: string[] }): string {
  const key = issue.path.map(String).join('.') || '(root)';
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return issue.keys.map((k) => `${key === '(root)' ? k : `${key}.${k}`}: unknown key`).join('; ');
  }
  // Secret values are never echoed: zod's messages name the expected form, not the value.
  return `${key}: ${issue.message}`;
}

function resolvePaths(config: Config): Config {
  const dataDir = resolve(config.dataDir);
  const file = config.database.file || join(dataDir, 'intake.sqlite');
  const publicUrl = config.http.publicUrl || defaultPublicUrl(config.http);
  return { ...config, dataDir, database: { file: resolve(file) }, http: { ...config.http, publicUrl } };
}

function defaultPublicUrl(http: Config['http']): string {
  const scheme = http.tls.certFile ? 'https' : 'http';
  const host = http.host === '0.0.0.0' || http.host === '::' ? '127.0.0.1' : http.host;
  return `${scheme}://${host}:${http.port}`;
}
