// `intake spam …` needs only the configuration and the database, not the daemon's keys or
// Google clients: open them, hand over to the spam command, close.
import { openDatabase } from '../store/database.js';
import { runSpamCommand } from './spam-command.js';
import { EXIT_USAGE, type CliContext } from './cli-context.js';
import { loadOrExplain } from './load-or-explain.js';

export async function runSpamEntry(args: string[], ctx: CliContext): Promise<number> {
  const config = loadOrExplain(ctx);
  if (!config) return EXIT_USAGE;
  const db = openDatabase(config.database.file);
  try {
    return await runSpamCommand(args, { db, options: config.spam, out: ctx.out as NodeJS.WriteStream, err: ctx.err as NodeJS.WriteStream });
  } finally {
    db.close();
  }
}
