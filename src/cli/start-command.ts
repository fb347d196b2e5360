// `intake start`: run the daemon until SIGINT/SIGTERM, then shut down in order within
// the configured deadline; a fatal error logs, shuts down and exits 1.
import { createLogger } from '../log/logger.js';
import { startDaemon } from '../daemon/daemon.js';
import { startWorkerProcess } from '../daemon/worker-process.js';
import { startRemoteWorkerProcess } from '../daemon/remote-worker-process.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';
import { loadOrExplain } from './load-or-explain.js';

const ROLES = ['all', 'scheduler', 'worker'] as const;

/** `--role all|scheduler|worker` (default all); `intake worker` passes `--role worker`, and `--remote` after it. */
export function parseRole(args: string[]): string {
  const at = args.indexOf('--role');
  if (at < 0) return 'all';
  return args[at + 1] ?? '';
}

export async function runStart(ctx: CliContext, args: string[] = []): Promise<number> {
  const role = parseRole(args);
  if (!(ROLES as readonly string[]).includes(role)) {
    ctx.err.write(`intake start: --role must be one of ${ROLES.join(', ')}, not "${role}"\n`);
    return EXIT_USAGE;
  }
  const remote = args.includes('--remote');
  if (remote && role !== 'worker') {
    ctx.err.write('intake start: --remote is for workers only: `intake worker --remote`\n');
    return EXIT_USAGE;
  }
  const config = loadOrExplain(ctx);
  if (!config) return EXIT_USAGE;
  const log = createLogger({ level: config.log.level, addresses: config.privacy.logAddresses });
  // Signals are heard from the first moment: a stop during start-up (the starter model trains
  // for seconds) aborts start-up, runs the close steps registered so far and exits 0.
  const starting = new AbortController();
  let stopRunning: ((code: number) => void) | null = null;
  ctx.onSignal(() => (stopRunning ? stopRunning(EXIT_OK) : starting.abort()));
  let daemon;
  try {
    daemon =
      role === 'worker'
        ? remote
          ? await startRemoteWorkerProcess(config, log, starting.signal)
          : await startWorkerProcess(config, log)
        : await startDaemon(config, log, { startSignal: starting.signal }, { role: role as 'all' | 'scheduler' });
  } catch (err) {
    if (starting.signal.aborted) {
      log.info('stop requested during start-up; intake stopped');
      log.flush();
      return EXIT_OK;
    }
    log.fatal({ err }, 'start-up failed');
    log.flush();
    return EXIT_FAILURE;
  }
  const running = daemon;
  if (starting.signal.aborted) {
    // The stop came as start-up was finishing: shut down what just started.
    await running.close();
    log.info('intake stopped');
    log.flush();
    return EXIT_OK;
  }
  return new Promise<number>((resolve) => {
    const stop = (code: number) => {
      // The moment the stop began: jobs claimed before it finish, none is claimed after.
      if (code === EXIT_OK) log.info('stop requested; finishing the jobs in hand');
      const deadline = setTimeout(() => resolve(EXIT_FAILURE), config.shutdown.deadlineMs);
      deadline.unref();
      void running.close().then(() => {
        log.info('intake stopped');
        log.flush();
        clearTimeout(deadline);
        resolve(code);
      });
    };
    stopRunning = stop;
    ctx.fatal((err) => {
      log.fatal({ err }, 'uncaught error; shutting down');
      stop(EXIT_FAILURE);
    });
  });
}
