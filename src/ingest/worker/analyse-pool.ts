// A pool of up to `threads` worker threads that parse and classify messages, so the CPU a
// message costs never blocks the event loop that serves HTTP and writes tickets. One message
// per worker at a time; a worker that crashes, runs out of heap or overruns the time limit is
// replaced, and only the message it held gets a parse failure (which ingest still turns into a
// ticket). Workers start when mail arrives and stop after `idleMs` without any: each holds its
// own V8 heap and copy of the spam model (~30 MB and up), which an idle daemon need not pay for.
import { Worker } from 'node:worker_threads';
import { IntakeError } from '../../errors/intake-error.js';
import type { Logger } from '../../log/logger.js';
import type { Analyse, Analysis } from '../analyse.js';
import { reviveAnalysis, type AnalyseRequest, type AnalyseResponse, type WorkerSetup } from './worker-protocol.js';

/** Measured by the hostile-mail test: 12 MB keeps two workers and the main thread under 300 MB RSS. */
const YOUNG_GENERATION_MB = 12;
/** After a message this large the worker is replaced, handing its grown heap back to the system. */
const RECYCLE_AFTER_BYTES = 8 * 1024 * 1024;

export interface AnalysePoolOptions {
  threads: number;
  maxHeapMb: number;
  timeoutMs: number;
  /** A worker with nothing to do for this long is stopped; the next message starts one again. */
  idleMs: number;
}

interface Task {
  id: number;
  raw: Buffer;
  labelIds: readonly string[];
  resolve: (a: Analysis) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  timer: NodeJS.Timeout | undefined;
  /** Stops the worker once it has been idle for idleMs. */
  idleTimer: NodeJS.Timeout | undefined;
  ready: Promise<void>;
  /** Messages go only to a worker that has loaded: its start-up does not count against the time limit. */
  isReady: boolean;
}

/** The worker's entry: the built .js, or the .ts source when running from source (tests, benches). */
function workerEntry(): { url: URL; execArgv: string[] } {
  const source = import.meta.url.endsWith('.ts');
  return {
    url: new URL(source ? './analyse-worker.ts' : './analyse-worker.js', import.meta.url),
    execArgv: source ? ['--disable-warning=ExperimentalWarning', '--import', new URL('./ts-source-hooks.ts', import.meta.url).href] : [],
  };
}

export class AnalysePool {
  readonly #setup: WorkerSetup;
  readonly #options: AnalysePoolOptions;
  readonly #log: Logger;
  readonly #slots = new Set<Slot>();
  readonly #waiting: Task[] = [];
  #nextId = 1;
  #closed = false;

  constructor(setup: WorkerSetup, options: AnalysePoolOptions, log: Logger) {
    if (options.threads < 1) throw new Error('AnalysePool needs at least one thread (use inlineAnalyse for 0)');
    this.#setup = setup;
    this.#options = options;
    this.#log = log;
  }

  /** Workers running now (started, loading or busy); 0 when the pool has been idle. */
  get liveThreads(): number {
    return this.#slots.size;
  }

  readonly analyse: Analyse = (raw, labelIds) => {
    if (this.#closed) return Promise.reject(new IntakeError('INTAKE_ERR_SHUTTING_DOWN', 'the analyse pool is closed', true));
    return new Promise<Analysis>((resolve, reject) => {
      this.#waiting.push({ id: this.#nextId++, raw, labelIds, resolve, reject });
      this.#grow();
      this.#dispatch();
    });
  };

  /** Starts every worker and resolves once each has loaded its code and the model (tests and benches measure after it). */
  async ready(): Promise<void> {
    while (!this.#closed && this.#slots.size < this.#options.threads) this.#spawn();
    await Promise.all([...this.#slots].map((slot) => slot.ready));
  }

  /** Workers are stopped; messages still waiting are refused as retryable (their jobs run again). */
  async close(): Promise<void> {
    this.#closed = true;
    // Messages in a worker too: terminating it would otherwise leave their jobs waiting forever.
    const unfinished = [...this.#waiting.splice(0), ...[...this.#slots].flatMap((slot) => (slot.task ? [slot.task] : []))];
    for (const slot of this.#slots) slot.task = null;
    for (const task of unfinished) {
      task.reject(new IntakeError('INTAKE_ERR_SHUTTING_DOWN', 'the analyse pool closed before this message was parsed', true));
    }
    await Promise.all([...this.#slots].map((slot) => this.#stop(slot)));
  }

  /** One more worker while messages wait for a free one and the pool is below its size. */
  #grow(): void {
    const free = [...this.#slots].filter((slot) => slot.task === null).length;
    const wanted = Math.min(this.#options.threads, this.#slots.size + Math.max(0, this.#waiting.length - free));
    while (!this.#closed && this.#slots.size < wanted) this.#spawn();
  }

  #spawn(): void {
    const entry = workerEntry();
    const worker = new Worker(entry.url, {
      workerData: this.#setup,
      execArgv: entry.execArgv,
      // A small young generation: V8 otherwise grows each isolate's semi-spaces to tens of MB.
      resourceLimits: { maxOldGenerationSizeMb: this.#options.maxHeapMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      stdout: false,
      stderr: false,
    });
    let markReady = () => undefined as void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const slot: Slot = { worker, task: null, timer: undefined, idleTimer: undefined, ready, isReady: false };
    this.#slots.add(slot);
    worker.on('message', (response: AnalyseResponse) => {
      if (!('ready' in response)) return this.#settle(slot, response);
      slot.isReady = true;
      markReady();
      this.#dispatch();
      this.#idleUnlessBusy(slot);
    });
    worker.on('error', (err: Error & { code?: string }) => this.#lose(slot, err.code ?? err.name));
    worker.on('exit', (code) => this.#lose(slot, `exit ${code}`));
    this.#dispatch();
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.task !== null || !slot.isReady) continue;
      const task = this.#waiting.shift();
      if (!task) return;
      slot.task = task;
      clearTimeout(slot.idleTimer);
      slot.timer = setTimeout(() => this.#timeout(slot), this.#options.timeoutMs);
      if (task.raw.buffer instanceof SharedArrayBuffer) {
        // Fetched into shared memory (google/gmail-api.ts): the worker reads the same bytes.
        slot.worker.postMessage({ id: task.id, raw: task.raw, labelIds: task.labelIds } satisfies AnalyseRequest);
      } else {
        // A copy the worker owns outright: the Buffer may share a pooled ArrayBuffer.
        const raw = new Uint8Array(task.raw);
        slot.worker.postMessage({ id: task.id, raw, labelIds: task.labelIds } satisfies AnalyseRequest, [raw.buffer]);
      }
    }
  }

  #settle(slot: Slot, response: Exclude<AnalyseResponse, { ready: true }>): void {
    const task = slot.task;
    if (!task || task.id !== response.id) return;
    clearTimeout(slot.timer);
    slot.task = null;
    if (response.ok) task.resolve(reviveAnalysis(response.analysis));
    else task.reject(new IntakeError('INTAKE_ERR_PARSE_FAILED', `parser failed: ${response.name}: ${response.message}`));
    if (task.raw.length > RECYCLE_AFTER_BYTES) void this.#replace(slot);
    else {
      this.#dispatch();
      this.#idleUnlessBusy(slot);
    }
  }

  #idleUnlessBusy(slot: Slot): void {
    if (slot.task !== null) return;
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      if (slot.task === null) void this.#stop(slot);
    }, this.#options.idleMs);
    slot.idleTimer.unref();
  }

  #timeout(slot: Slot): void {
    const task = slot.task;
    if (!task) return;
    slot.task = null;
    task.reject(
      new IntakeError('INTAKE_ERR_PARSE_FAILED', `parsing took longer than ingest.parseTimeoutMs (${this.#options.timeoutMs} ms)`),
    );
    this.#log.warn({ code: 'INTAKE_ERR_PARSE_FAILED', reason: 'timeout' }, 'analyse worker stopped; replacing it');
    void this.#replace(slot);
  }

  /** The worker died (out of heap, a native crash): its message gets a parse failure; a new worker takes over. */
  #lose(slot: Slot, reason: string): void {
    if (!this.#slots.has(slot)) return;
    clearTimeout(slot.timer);
    const task = slot.task;
    slot.task = null;
    if (task) task.reject(new IntakeError('INTAKE_ERR_PARSE_FAILED', `parser worker died while parsing (${reason})`));
    if (!this.#closed) this.#log.warn({ code: 'INTAKE_ERR_PARSE_FAILED', reason }, 'analyse worker died; replacing it');
    // A worker that dies holding nothing may be failing to start: do not respawn in a tight loop.
    void this.#replace(slot, task ? 0 : 1000);
  }

  async #replace(slot: Slot, delayMs = 0): Promise<void> {
    await this.#stop(slot);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
    // A replacement only when mail waits for it; otherwise the next message starts one.
    this.#grow();
    this.#dispatch();
  }

  async #stop(slot: Slot): Promise<void> {
    if (!this.#slots.delete(slot)) return;
    clearTimeout(slot.timer);
    clearTimeout(slot.idleTimer);
    slot.worker.removeAllListeners('exit');
    slot.worker.on('error', () => undefined);
    await slot.worker.terminate();
  }
}
