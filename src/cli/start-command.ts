// `intake start`: run the daemon until SIGINT/SIGTERM, then shut down in order within
// the configured deadline; a fatal error logs, shuts down and exits 1.
import { createLogger } from '../log/logger.js';
import { startDaemon } from '../daemon/daemon.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';
import { loadOrExplain } from './load-or-explain.js';

export async function runStart(ctx: CliContext): Promise<number> {
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
    daemon = await startDaemon(config, log, { startSignal: starting.signal });
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
