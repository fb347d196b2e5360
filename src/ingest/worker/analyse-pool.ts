// A pool of up to `threads` worker threads that parse and classify messages, so the CPU a
// message costs never blocks the event loop that serves HTTP and writes tickets. A worker parses
// one message at a time and may hold the next small one, so it need not idle while this thread
// writes a ticket. A worker that crashes, runs out of heap or overruns the time limit is
// replaced: the message it was parsing gets a parse failure (which ingest still turns into a
// ticket; after a crash, only once it has killed a second worker) and the messages it held go
// back to the front of the queue. Workers start when mail arrives and stop after `idleMs`
// without any: each holds its own V8 heap and copy of the spam model (~30 MB and up), which an
// idle daemon need not pay for.
import { Worker } from 'node:worker_threads';
import { IntakeError } from '../../errors/intake-error.js';
import { threadEntry } from '../../threads/thread-entry.js';
import type { Logger } from '../../log/logger.js';
import type { Analyse, Analysis } from '../analyse.js';
import { reviveAnalysis, type AnalyseRequest, type AnalyseResponse, type ModelChanged, type WorkerSetup } from './worker-protocol.js';

/**
 * 24 MB: against 12, a worker spent 37% less time in scavenges (411 against 650 ms per 1,500
 * SpamAssassin messages, counted by a gc PerformanceObserver in the worker), while the
 * hostile-mail test's peak RSS stayed where it was (264-267 MB with two workers; limit 300).
 */
const YOUNG_GENERATION_MB = 24;
/** After a message this large the worker is replaced, handing its grown heap back to the system. */
const RECYCLE_AFTER_BYTES = 8 * 1024 * 1024;
/**
 * Messages a worker holds: the one it parses and the next. With one, a profile of bench:ingest
 * showed each worker waiting 0.4 ms per message for this thread to send the next.
 */
const DEPTH = 2;
/**
 * Only messages under this size are held beside another: a large one's bytes would sit in a
 * worker's memory while it parses the message before, and its parse dwarfs the wait anyway.
 */
const PREFETCH_MAX_BYTES = 512 * 1024;

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
  /** Set once a worker died parsing it: the next death while parsing it is its own doing. */
  survivedLoss: boolean;
  resolve: (a: Analysis) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  /** In the worker's queue, in order; the first is being parsed (the worker parses one at a time). */
  tasks: Task[];
  /** The time limit of the first task, which starts when the worker starts parsing it. */
  timer: NodeJS.Timeout | undefined;
  /** Stops the worker once it has been idle for idleMs. */
  idleTimer: NodeJS.Timeout | undefined;
  /** Settles true once the worker has loaded its code and the model, false if it died first. */
  loaded: Promise<boolean>;
  settleLoaded: (ok: boolean) => void;
  /** Messages go only to a worker that has loaded: its start-up does not count against the time limit. */
  isReady: boolean;
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
      this.#waiting.push({ id: this.#nextId++, raw, labelIds, survivedLoss: false, resolve, reject });
      this.#grow();
      this.#dispatch();
    });
  };

  /**
   * Starts every worker and resolves once each has loaded its code and the model (tests and
   * benches measure after it). A worker that dies while loading (its heap limit too small for the
   * model) is started again, a few times, then ready() gives up with the reason.
   */
  async ready(): Promise<void> {
    for (let round = 1; ; round++) {
      while (!this.#closed && this.#slots.size < this.#options.threads) this.#spawn();
      const loaded = await Promise.all([...this.#slots].map((slot) => slot.loaded));
      if (this.#closed || loaded.every(Boolean)) return;
      if (round === 3) {
        throw new IntakeError(
          'INTAKE_ERR_INTERNAL',
          `analyse workers died while loading, ${round} times; raise ingest.workerMaxHeapMb (now ${this.#options.maxHeapMb})`,
        );
      }
    }
  }

  /** The spam model changed on this thread: every worker reads it again before its next verdict. */
  modelChanged(): void {
    for (const slot of this.#slots) slot.worker.postMessage({ modelChanged: true } satisfies ModelChanged);
  }

  /** Workers are stopped; messages still waiting are refused as retryable (their jobs run again). */
  async close(): Promise<void> {
    this.#closed = true;
    // Messages in a worker too: terminating it would otherwise leave their jobs waiting forever.
    const unfinished = [...this.#waiting.splice(0), ...[...this.#slots].flatMap((slot) => slot.tasks.splice(0))];
    for (const task of unfinished) {
      task.reject(new IntakeError('INTAKE_ERR_SHUTTING_DOWN', 'the analyse pool closed before this message was parsed', true));
    }
    await Promise.all([...this.#slots].map((slot) => this.#stop(slot)));
  }

  /** One more worker while messages wait for a free one and the pool is below its size. */
  #grow(): void {
    const free = [...this.#slots].filter((slot) => slot.tasks.length === 0).length;
    const wanted = Math.min(this.#options.threads, this.#slots.size + Math.max(0, this.#waiting.length - free));
    while (!this.#closed && this.#slots.size < wanted) this.#spawn();
  }

  #spawn(): void {
    const entry = threadEntry(import.meta.url, 'analyse-worker');
    const worker = new Worker(entry.url, {
      workerData: this.#setup,
      execArgv: entry.execArgv,
      // A small young generation: V8 otherwise grows each isolate's semi-spaces to tens of MB.
      resourceLimits: { maxOldGenerationSizeMb: this.#options.maxHeapMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      stdout: false,
      stderr: false,
    });
    let settleLoaded = (_ok: boolean) => undefined as void;
    const loaded = new Promise<boolean>((resolve) => (settleLoaded = resolve));
    const slot: Slot = { worker, tasks: [], timer: undefined, idleTimer: undefined, loaded, settleLoaded, isReady: false };
    this.#slots.add(slot);
    worker.on('message', (response: AnalyseResponse) => {
      if (!('ready' in response)) return this.#settle(slot, response);
      slot.isReady = true;
      slot.settleLoaded(true);
      this.#dispatch();
      this.#idleUnlessBusy(slot);
    });
    worker.on('error', (err: Error & { code?: string }) => this.#lose(slot, err.code ?? err.name));
    worker.on('exit', (code) => this.#lose(slot, `exit ${code}`));
    this.#dispatch();
  }

  /** Every idle worker gets a message before any worker gets a second. */
  #dispatch(): void {
    for (let depth = 1; depth <= DEPTH; depth++) {
      for (const slot of this.#slots) {
        if (!slot.isReady || slot.tasks.length >= depth) continue;
        const next = this.#waiting[0];
        if (!next) return;
        if (slot.tasks.length > 0 && !this.#prefetchable(slot, next)) continue;
        this.#send(slot, this.#waiting.shift()!);
      }
    }
  }

  #prefetchable(slot: Slot, next: Task): boolean {
    return next.raw.length <= PREFETCH_MAX_BYTES && slot.tasks.every((task) => task.raw.length <= PREFETCH_MAX_BYTES);
  }

  #send(slot: Slot, task: Task): void {
    slot.tasks.push(task);
    clearTimeout(slot.idleTimer);
    if (slot.tasks.length === 1) this.#startClock(slot);
    if (task.raw.buffer instanceof SharedArrayBuffer) {
      // Fetched into shared memory (google/gmail-api.ts): the worker reads the same bytes.
      slot.worker.postMessage({ id: task.id, raw: task.raw, labelIds: task.labelIds } satisfies AnalyseRequest);
    } else {
      // A copy the worker owns outright: the Buffer may share a pooled ArrayBuffer. The task
      // keeps its own bytes, so a message handed back from a lost worker can be sent again.
      const raw = new Uint8Array(task.raw);
      slot.worker.postMessage({ id: task.id, raw, labelIds: task.labelIds } satisfies AnalyseRequest, [raw.buffer]);
    }
  }

  #startClock(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => this.#timeout(slot), this.#options.timeoutMs);
  }

  /** The messages a worker held but had not started go back to the front of the queue, in order. */
  #handBack(slot: Slot): void {
    this.#waiting.unshift(...slot.tasks.splice(0));
  }

  #settle(slot: Slot, response: Exclude<AnalyseResponse, { ready: true }>): void {
    const task = slot.tasks[0];
    if (!task || task.id !== response.id) return;
    clearTimeout(slot.timer);
    slot.tasks.shift();
    if (slot.tasks.length > 0) this.#startClock(slot);
    if (response.ok) task.resolve(reviveAnalysis(response.analysis));
    else task.reject(new IntakeError('INTAKE_ERR_PARSE_FAILED', `parser failed: ${response.name}: ${response.message}`));
    if (task.raw.length > RECYCLE_AFTER_BYTES) {
      // Nothing is held beside a message this large (PREFETCH_MAX_BYTES); handing back keeps that so if the limits move.
      this.#handBack(slot);
      void this.#replace(slot);
    } else {
      this.#dispatch();
      this.#idleUnlessBusy(slot);
    }
  }

  #idleUnlessBusy(slot: Slot): void {
    if (slot.tasks.length > 0) return;
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      if (slot.tasks.length === 0) void this.#stop(slot);
    }, this.#options.idleMs);
    slot.idleTimer.unref();
  }

  #timeout(slot: Slot): void {
    const task = slot.tasks.shift();
    if (!task) return;
    this.#handBack(slot);
    task.reject(
      new IntakeError('INTAKE_ERR_PARSE_FAILED', `parsing took longer than ingest.parseTimeoutMs (${this.#options.timeoutMs} ms)`),
    );
    this.#log.warn({ code: 'INTAKE_ERR_PARSE_FAILED', reason: 'timeout' }, 'analyse worker stopped; replacing it');
    void this.#replace(slot);
  }

  /**
   * The worker died (out of heap, a native crash). The message it was parsing may be a victim of
   * the one before it (whose garbage filled the heap), so it gets one more try on another worker;
   * a message that kills a second worker gets a parse failure. A new worker takes over.
   */
  #lose(slot: Slot, reason: string): void {
    if (!this.#slots.has(slot)) return;
    clearTimeout(slot.timer);
    const task = slot.tasks[0];
    const culprit = task?.survivedLoss === true ? slot.tasks.shift() : undefined;
    if (task) task.survivedLoss = true;
    this.#handBack(slot);
    culprit?.reject(new IntakeError('INTAKE_ERR_PARSE_FAILED', `parser worker died while parsing (${reason})`));
    if (!this.#closed) this.#log.warn({ code: 'INTAKE_ERR_PARSE_FAILED', reason }, 'analyse worker died; replacing it');
    // A worker that dies holding nothing may be failing to start: do not respawn in a tight loop.
    void this.#replace(slot, task ? 0 : 1000);
  }

  async #replace(slot: Slot, delayMs = 0): Promise<void> {
    const stopped = this.#stop(slot);
    // Messages it handed back go to a worker with room now: stopping a worker stuck in a
    // collection can take long, and a worker that is already idle would otherwise wait for it.
    this.#dispatch();
    await stopped;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
    // A replacement only when mail waits for it; otherwise the next message starts one.
    this.#grow();
    this.#dispatch();
  }

  async #stop(slot: Slot): Promise<void> {
    if (!this.#slots.delete(slot)) return;
    slot.settleLoaded(false);
    clearTimeout(slot.timer);
    clearTimeout(slot.idleTimer);
    slot.worker.removeAllListeners('exit');
    slot.worker.on('error', () => undefined);
    await slot.worker.terminate();
  }
}
