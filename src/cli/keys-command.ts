// `intake keys rotate`: with INTAKE_SECRET_KEY="NEW,OLD" (the first is active), re-seals
// every stored secret under NEW in one transaction and prints what it changed. Afterwards
// OLD can be removed from INTAKE_SECRET_KEY.
import { createLogger } from '../log/logger.js';
import { buildCore } from '../daemon/core.js';
import { rotateSealedValues } from '../crypto/rotate-sealed.js';
import { isIntakeError } from '../errors/intake-error.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';
import { loadOrExplain } from './load-or-explain.js';

export async function runKeysCommand(args: string[], ctx: CliContext): Promise<number> {
  if (args[0] !== 'rotate') {
    ctx.err.write('usage: intake keys rotate   (with INTAKE_SECRET_KEY="NEWKEY,OLDKEY", the first key active)\n');
    return EXIT_USAGE;
  }
  const config = loadOrExplain(ctx);
  if (!config) return EXIT_USAGE;
  const core = buildCore(config, createLogger({ level: 'warn', destination: process.stderr }));
  try {
    const counts = rotateSealedValues(core.db, core.box);
    ctx.out.write(`re-encrypted under key ${core.box.activeKeyId}:\n`);
    for (const c of counts)
      ctx.out.write(`  ${c.column.padEnd(38)} ${String(c.rotated).padStart(5)} rotated, ${c.alreadyCurrent} already current\n`);
    core.audit.record({
      actor: 'cli',
      action: 'keys.rotated',
      detail: { activeKeyId: core.box.activeKeyId, rotated: counts.reduce((n, c) => n + c.rotated, 0) },
    });
    return EXIT_OK;
  } catch (err) {
    if (!isIntakeError(err)) throw err;
    ctx.err.write(`intake: nothing changed: ${err.message}\n`);
    return EXIT_FAILURE;
  } finally {
    await core.steps.close();
  }
}
