// Child process of bench:ingest: ingests one large message (written by the parent to FILE)
// through the pipeline in a fresh process and prints the process's peak RSS, worker threads
// included, so the figure is the large message's own and not the corpus run's or the generator's.
import { rmSync } from 'node:fs';
import { openPipeline } from './pipeline.js';
import { readShared } from './read-shared.js';

const file = process.argv[2];
if (!file) throw new Error('usage: large-run.ts FILE');
const pipe = await openPipeline();
const baselineMb = process.resourceUsage().maxRSS / 1024;
const raw = readShared(file);
const { failures } = await pipe.ingestAll([raw], 'large');
await pipe.close();
pipe.db.close();
if (pipe.dir) rmSync(pipe.dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ bytes: raw.length, baselineMb, peakRssMb: process.resourceUsage().maxRSS / 1024, failures })}\n`);
