// One message (or a series) per hostile class of issue 13, through the real ingest pipeline with
// its worker threads, in child processes so the peak RSS measured is the pipeline's own: no
// crash, every message lands as a ticket or poison entry, and the recorded problems say why.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeEnvOf, nodeFlagsOf } from '../../../src/cli/node-flags.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_CLASSES } from '../../helpers/hostile-mail.js';
import { EMPTY_MESSAGE, BINARY_CONTENT, MULTIPART_TRUNCATED } from '../../../src/ingest/parse/shape-problems.js';

const RUNNER = join(process.cwd(), 'test', 'helpers', 'hostile-runner.ts');
const MAIN = join(process.cwd(), 'src', 'main.ts');
// As the daemon runs: its shebang's environment and flags, and the sources run by Node itself (types stripped,
// as in the analyse workers) rather than through tsx, whose loader would count in the figure.
const NODE_ARGS = [
  ...nodeFlagsOf(MAIN),
  '--disable-warning=ExperimentalWarning',
  '--import',
  pathToFileURL(join(process.cwd(), 'src', 'threads', 'ts-source-hooks.ts')).href,
];
const RSS_LIMIT_MB = 300;

interface Line {
  class?: string;
  index?: number;
  outcome?: string;
  landed?: string | null;
  problems?: string[];
  baselineMaxRssMb?: number;
  peakRssMb?: number;
}

function run(args: string[]): Promise<{ code: number | null; lines: Line[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_ARGS, RUNNER, ...args], {
      env: { ...process.env, ...nodeEnvOf(MAIN) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      const lines = out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Line);
      resolve({ code, lines, stderr: err });
    });
  });
}

async function ingestClasses(which: '--light' | '--heavy') {
  const dir = mkdtempSync(join(tmpdir(), 'intake-hostile-'));
  try {
    const built = await run(['build', dir, which]);
    expect(built.code, built.stderr).toBe(0);
    const ran = await run(['ingest', dir]);
    expect(ran.code, ran.stderr).toBe(0);
    return {
      messages: ran.lines.filter((l) => l.class !== undefined),
      peakRssMb: ran.lines.find((l) => l.peakRssMb !== undefined)?.peakRssMb ?? Infinity,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('ingest of hostile mail, one test per class', () => {
  let light: Awaited<ReturnType<typeof ingestClasses>>;
  let heavy: Awaited<ReturnType<typeof ingestClasses>>;

  beforeAll(async () => {
    light = await ingestClasses('--light');
    heavy = await ingestClasses('--heavy');
    process.stderr.write(`hostile mail peak RSS: light classes ${light.peakRssMb} MB, heavy classes ${heavy.peakRssMb} MB\n`);
  }, 600_000);

  const of = (name: string) => [...(light?.messages ?? []), ...(heavy?.messages ?? [])].filter((m) => m.class === name);

  it.each(HOSTILE_CLASSES.map((c) => [c.name]))('ingest: on hostile class "%s", crashes on nothing and lands every message', (name) => {
    const messages = of(name);
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      expect(m.outcome, `${name} #${m.index}`).not.toMatch(/^threw/);
      expect(['ticket', 'poison'], `${name} #${m.index}`).toContain(m.landed);
    }
  });

  it('ingest: when a multipart message is cut short inside its body, records that it was truncated', () => {
    const cut = of('truncated at any point').filter((m) => m.landed === 'ticket');
    // The last cuts fall after the body started; each must say the message was cut short.
    const late = cut.slice(-20);
    expect(late.length).toBe(20);
    for (const m of late) expect(m.problems).toContain(MULTIPART_TRUNCATED);
  });

  it('ingest: when a message is empty or random bytes, records a problem saying so', () => {
    expect(of('empty message')[0]?.problems).toEqual([EMPTY_MESSAGE]);
    expect(of('1 MB of random bytes')[0]?.problems).toContain(BINARY_CONTENT);
  });

  it(`ingest: on the light hostile classes (two worker threads), peak RSS stays within ${RSS_LIMIT_MB} MB`, () => {
    expect(light.peakRssMb).toBeLessThanOrEqual(RSS_LIMIT_MB);
  });

  it(`ingest: on the heavy hostile classes (20–30 MB messages, bombs), peak RSS stays within ${RSS_LIMIT_MB} MB`, () => {
    expect(heavy.peakRssMb).toBeLessThanOrEqual(RSS_LIMIT_MB);
  });
});
