// A real Intake daemon as its own process for bench figures that must be the daemon's alone
// (peak RSS): started as `intake start` is, with the shebang's environment and Node flags, the sources run
// by Node's own type stripping (no tsx loader counted), configured through INTAKE_* variables
// against a fake Google. Its peak RSS is the kernel's high-water mark (VmHWM), worker threads
// included.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { nodeEnvOf, nodeFlagsOf } from '../../src/cli/node-flags.js';
import { envNameFor, leafPaths } from '../../src/config/env-paths.js';
import { deepMerge, type PlainObject } from '../../src/config/merge.js';
import { DEFAULT_CLIENT, type FakeGoogle } from '../../src/dev/fake-google/index.js';
import { intakeEndpointsFor } from '../../src/dev/fake-google-endpoints.js';
import { freePort } from '../../test/helpers/free-port.js';

const MAIN = join(process.cwd(), 'src', 'main.ts');

export interface DaemonProcess {
  url: string;
  pid: number;
  /** POSTs a JSON body with the admin token. */
  api(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
  /** One read-only query against the daemon's database. */
  query<T>(sql: string, ...params: unknown[]): T;
  /** The process's peak resident set so far (VmHWM), in MB. */
  peakRssMb(): number;
  close(): Promise<void>;
}

function envOf(config: PlainObject): NodeJS.ProcessEnv {
  return Object.fromEntries(
    leafPaths(config).map((leaf) => [
      envNameFor(leaf.path),
      Array.isArray(leaf.sample) ? JSON.stringify(leaf.sample) : String(leaf.sample),
    ]),
  );
}

export async function startDaemonProcess(fake: FakeGoogle, overrides: PlainObject): Promise<DaemonProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'intake-bench-process-'));
  const apiToken = randomBytes(18).toString('base64url');
  const port = await freePort();
  const config = deepMerge(
    {
      dataDir,
      http: { port },
      log: { level: 'warn' },
      google: { clientId: DEFAULT_CLIENT.clientId, endpoints: intakeEndpointsFor(fake) },
      queue: { pollMs: 20 },
      spam: { starterModel: false },
    },
    overrides,
  );
  const args = [
    ...nodeFlagsOf(MAIN),
    '--disable-warning=ExperimentalWarning',
    '--import',
    pathToFileURL(join(process.cwd(), 'src', 'threads', 'ts-source-hooks.ts')).href,
    MAIN,
    'start',
  ];
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...nodeEnvOf(MAIN),
      ...envOf(config),
      INTAKE_GOOGLE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
      INTAKE_API_TOKEN: apiToken,
      INTAKE_SECRET_KEY: randomBytes(32).toString('base64'),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the daemon exited at start: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`the daemon did not answer /healthz within 60 s: ${stderr}`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const db = new Database(join(dataDir, 'intake.sqlite'), { readonly: true, fileMustExist: true });
  return {
    url,
    pid: child.pid ?? 0,
    async api(path, body) {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    query: <T>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T,
    peakRssMb() {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      return Number(kb) / 1024;
    },
    async close() {
      db.close();
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
