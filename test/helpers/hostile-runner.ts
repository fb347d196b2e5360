// Run as child processes by the hostile-mail test. `build DIR --heavy|--light` writes the
// messages of the hostile classes to DIR; `ingest DIR` ingests them one at a time through the
// real pipeline (worker threads included) and prints one JSON line per message, then the
// process's peak RSS. Building in another process keeps the generators' garbage out of it.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOSTILE_CLASSES } from './hostile-mail.js';
import { openHarness } from './ingest-harness.js';
import { readShared } from '../../bench/ingest/read-shared.js';

const [mode, dir, which] = process.argv.slice(2);
if (!dir) throw new Error('usage: hostile-runner.ts build DIR --heavy|--light | ingest DIR');
const out = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const rssMb = () => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;

if (mode === 'build') {
  const heavy = which === '--heavy';
  let n = 0;
  for (const c of HOSTILE_CLASSES.filter((x) => x.heavy === heavy)) {
    for (const [i, raw] of c.build().entries()) {
      writeFileSync(join(dir, `${String(n++).padStart(4, '0')}.eml`), raw);
      writeFileSync(join(dir, `${String(n - 1).padStart(4, '0')}.json`), JSON.stringify({ class: c.name, index: i }));
    }
  }
} else {
  const harness = openHarness({ workerThreads: 2 });
  await harness.ready();
  out({ baselineMaxRssMb: rssMb() });
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()) {
    const meta = JSON.parse(readFileSync(join(dir, file.replace(/\.eml$/, '.json')), 'utf8')) as { class: string; index: number };
    const id = `${meta.class}#${meta.index}`;
    const raw = readShared(join(dir, file));
    let outcome: string;
    try {
      outcome = (await harness.ingest(id, raw)).outcome;
    } catch (err) {
      outcome = `threw ${(err as Error).name}`;
    }
    out({ ...meta, bytes: raw.length, maxRssMb: rssMb(), outcome, landed: harness.landedAs(id), problems: harness.problemsOf(id) });
  }
  await harness.close();
  out({ peakRssMb: rssMb() });
}
