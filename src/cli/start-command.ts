// `intake start`: run the daemon until SIGINT/SIGTERM, then shut down in order within
// the configured deadline; a fatal error logs, shuts down and exits 1.
import { createLogger } from '../log/logger.js';
import { startDaemon } from '../daemon/daemon.js';
import { startWorkerProcess } from '../daemon/worker-process.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';
import { loadOrExplain } from './load-or-explain.js';

const ROLES = ['all', 'scheduler', 'worker'] as const;

/** `--role all|scheduler|worker` (default all); `intake worker` passes `--role worker`. */
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
  const config = loadOrExplain(ctx);
  if (!config) return EXIT_USAGE;
  const log = createLogger({ level: config.log.level, addresses: config.privacy.logAddresses });
  let daemon;
  try {
    daemon =
      role === 'worker' ? await startWorkerProcess(config, log) : await startDaemon(config, log, {}, { role: role as 'all' | 'scheduler' });
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
