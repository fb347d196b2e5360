// Loads the configuration for a command; on a bad config prints one line per problem
// (secret values never shown) and tells the caller to exit with code 2.
import { ConfigError, loadConfig, type LoadConfigOptions } from '../config/load-config.js';
import type { Config } from '../config/config-schema.js';
import type { CliContext } from './cli-context.js';

export function loadOrExplain(ctx: CliContext, options: LoadConfigOptions = {}): Config | undefined {
  try {
    return loadConfig({ env: ctx.env ?? process.env, ...options });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    ctx.err.write(`intake: invalid configuration (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}):\n`);
    for (const p of err.problems) ctx.err.write(`  ${p}\n`);
    ctx.err.write('Fix these in config/*.json or the INTAKE_* environment variables (see README "Configuration").\n');
    return undefined;
  }
}
