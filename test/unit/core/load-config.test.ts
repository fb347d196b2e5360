import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load-config.js';
import { envNameFor, parseEnvValue } from '../../../src/config/env-paths.js';
import { analyseThreads } from '../../../src/config/worker-threads.js';
import { mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function problemsOf(env: NodeJS.ProcessEnv, configDir?: string): string[] {
  try {
    loadConfig({ env, configDir });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig()', () => {
  it('loadConfig(): when nothing is set, returns the embedded defaults, frozen', () => {
    const config = loadConfig({ env: {} });
    expect(config.queue.driver).toBe('embedded');
    expect(config.http.port).toBe(8080);
    expect(config.database.file.endsWith('intake.sqlite')).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('loadConfig(): when INTAKE_* variables are set, they override defaults with the type of the key', () => {
    const config = loadConfig({
      env: { INTAKE_HTTP_PORT: '9999', INTAKE_SYNC_POLL_INTERVAL_SECONDS: '2.5', INTAKE_HTTP_ALLOWLIST: '10.0.0.0/8, ::1' },
    });
    expect(config.http.port).toBe(9999);
    expect(config.sync.pollIntervalSeconds).toBe(2.5);
    expect(config.http.allowlist).toEqual(['10.0.0.0/8', '::1']);
  });

  it('loadConfig(): ingest.workerThreads is "auto" by default and takes a count, from a file or the environment', () => {
    expect(loadConfig({ env: {} }).ingest.workerThreads).toBe('auto');
    expect(loadConfig({ env: { INTAKE_INGEST_WORKER_THREADS: '3' } }).ingest.workerThreads).toBe(3);
    expect(loadConfig({ env: { INTAKE_INGEST_WORKER_THREADS: '0' } }).ingest.workerThreads).toBe(0);
    expect(loadConfig({ env: {}, overrides: { ingest: { workerThreads: 1 } } }).ingest.workerThreads).toBe(1);
    expect(problemsOf({ INTAKE_INGEST_WORKER_THREADS: 'many' }).find((p) => p.startsWith('ingest.workerThreads'))).toBeDefined();
    expect(problemsOf({ INTAKE_INGEST_WORKER_THREADS: '-1' }).find((p) => p.startsWith('ingest.workerThreads'))).toBeDefined();
  });

  it('analyseThreads(): "auto" leaves a core to the main thread and holds at most two workers; a count is kept', () => {
    expect([1, 2, 3, 4, 16].map((cores) => analyseThreads('auto', cores))).toEqual([1, 1, 2, 2, 2]);
    expect(analyseThreads(0, 8)).toBe(0);
    expect(analyseThreads(5, 2)).toBe(5);
  });

  it('loadConfig(): when several values are wrong, lists every problem by key', () => {
    const problems = problemsOf({ INTAKE_HTTP_PORT: 'abc', INTAKE_QUEUE_DRIVER: 'kafka', INTAKE_TYPO_KEY: 'x' });
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('http.port'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('queue.driver'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('INTAKE_TYPO_KEY: unknown'))).toBeDefined();
  });

  it('loadConfig(): when a JSON file holds an unknown key, names it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-cfg-'));
    cpSync(join(process.cwd(), 'config', 'default.json'), join(dir, 'default.json'));
    writeFileSync(join(dir, 'production.json'), JSON.stringify({ http: { prot: 1 } }));
    expect(problemsOf({ NODE_ENV: 'production' }, dir)).toEqual(['http.prot: unknown key']);
  });

  it('loadConfig(): when a secret comes from a *_FILE, reads it and never echoes secret values in problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-secret-'));
    writeFileSync(join(dir, 'token'), 'file-held-token\n');
    expect(loadConfig({ env: { INTAKE_API_TOKEN_FILE: join(dir, 'token') } }).secrets.apiToken).toBe('file-held-token');
    const problems = problemsOf({ INTAKE_API_TOKEN: 'inline-secret-value', INTAKE_API_TOKEN_FILE: join(dir, 'token') });
    expect(problems).toHaveLength(1);
    expect(problems.join(' ')).not.toContain('inline-secret-value');
    expect(problemsOf({ INTAKE_SECRET_KEY_FILE: join(dir, 'missing') })[0]).toMatch(/^INTAKE_SECRET_KEY_FILE: cannot read/);
  });

  it('envNameFor(): when a key is camelCase, upper-snakes every segment', () => {
    expect(envNameFor(['sync', 'pollIntervalSeconds'])).toBe('INTAKE_SYNC_POLL_INTERVAL_SECONDS');
  });

  it('parseEnvValue(): when the value does not parse as the default type, returns the string for validation to name', () => {
    expect(parseEnvValue('12', 1)).toBe(12);
    expect(parseEnvValue('twelve', 1)).toBe('twelve');
    expect(parseEnvValue('true', false)).toBe(true);
    expect(parseEnvValue('yes', false)).toBe('yes');
  });
});

describe('config/default.json', () => {
  it('default.json: when compared with the spam part schema defaults, documents the same values', async () => {
    const { spamConfigSchema } = await import('../../../src/spam/spam-options.js');
    expect(loadConfig({ env: {} }).spam).toEqual(spamConfigSchema.parse({}));
  });
});
