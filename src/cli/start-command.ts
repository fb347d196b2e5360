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
  let daemon;
  try {
    daemon = await startDaemon(config, log);
  } catch (err) {
    log.fatal({ err }, 'start-up failed');
    log.flush();
    return EXIT_FAILURE;
  }
  const running = daemon;
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
    ctx.onSignal(() => stop(EXIT_OK));
    ctx.fatal((err) => {
      log.fatal({ err }, 'uncaught error; shutting down');
      stop(EXIT_FAILURE);
    });
  });
}
