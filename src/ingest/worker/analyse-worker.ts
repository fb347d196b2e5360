// A worker thread of the analyse pool: parses and classifies messages the ingest thread hands
// it. The spam model is read from the SQLite file opened read-only; SpamFilter reloads its
// in-memory copy when the stored generation moves. Learning happens on the ingest thread, which
// says so (ModelChanged) before it sends the next message; another process's change (`intake
// spam train`) is noticed within RECHECK_MS.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SpamFilter } from '../../spam/spam-filter.js';
import { FilterSpamCheck } from '../filter-spam-check.js';
import { analyseMessage } from '../analyse.js';
import type { SpamCheck } from '../spam-check.js';
import type { AnalyseRequest, AnalyseResponse, ToWorker, WorkerSetup } from './worker-protocol.js';

/**
 * Reading the stored generation before every verdict was 4% of this thread's CPU in
 * bench:ingest (a statement and its read lock per message).
 */
const RECHECK_MS = 1000;

const setup = workerData as WorkerSetup;
if (!parentPort) throw new Error('analyse-worker.ts runs only as a worker thread');
const port: MessagePort = parentPort;

function openFilter(): SpamFilter | null {
  if (!setup.spam) return null;
  const db = new Database(setup.spam.dbFile, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return new SpamFilter(db, setup.spam.options, { recheckMs: RECHECK_MS });
}

const filter = openFilter();
const spam: SpamCheck | null = filter ? new FilterSpamCheck(filter) : null;
port.postMessage({ id: 0, ready: true } satisfies AnalyseResponse);

// The pool sends the next message before this one is done; they are parsed one at a time, in
// order, so the pool knows which message a crash or a timeout belongs to, and two large
// messages never share this worker's heap.
const queue: AnalyseRequest[] = [];
let busy = false;

port.on('message', (message: ToWorker) => {
  if ('modelChanged' in message) {
    // Messages already queued here were sent before the change; they are judged after it anyway.
    filter?.stale();
    return;
  }
  queue.push(message);
  if (!busy) void drain();
});

async function drain(): Promise<void> {
  busy = true;
  for (let request = queue.shift(); request; request = queue.shift()) port.postMessage(await analyse(request));
  busy = false;
}

async function analyse(request: AnalyseRequest): Promise<AnalyseResponse> {
  const raw = Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength);
  try {
    return { id: request.id, ok: true, analysis: await analyseMessage(raw, request.labelIds, setup.limits, spam, setup.html) };
  } catch (err) {
    // Only the error's name and message cross: mailparser's messages carry no mail content.
    const e = err instanceof Error ? err : new Error(String(err));
    return { id: request.id, ok: false, name: e.name, message: e.message };
  }
}
