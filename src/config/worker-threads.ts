// How many analyse worker threads `ingest.workerThreads` means. "auto" leaves a core to the
// main thread (HTTP, SQLite writes, the queue) and holds at most two workers: measured on the
// 2-vCPU development machine, one worker imported an IMAP backlog as fast as two (main + two
// workers on two cores slowed each other) with ~38 MB less peak RSS (255 against 293 MB), and
// a third worker on a larger machine would cost as much memory again for a pipeline whose
// main thread is the next limit.
import { availableParallelism } from 'node:os';

export type WorkerThreadsSetting = number | 'auto';

/** Most workers "auto" picks, whatever the core count. */
export const AUTO_MAX_WORKER_THREADS = 2;

export function analyseThreads(setting: WorkerThreadsSetting, cores = availableParallelism()): number {
  if (setting !== 'auto') return setting;
  return Math.min(AUTO_MAX_WORKER_THREADS, Math.max(1, cores - 1));
}
