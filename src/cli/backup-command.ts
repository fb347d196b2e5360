// `intake backup --out FILE`, `intake backup verify FILE` and `intake restore FILE`: encrypted
// online backups of the SQLite database, checked before they are trusted.
import { tmpdir } from 'node:os';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger } from '../log/logger.js';
import { buildCore } from '../daemon/core.js';
import { isIntakeError } from '../errors/intake-error.js';
import { createBackup, restoreBackup, verifyBackup } from '../backup/backup-file.js';
import { backupKeys, sealingKey } from '../backup/backup-keys.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';
import { loadOrExplain } from './load-or-explain.js';
import { flagValue } from './cli-args.js';

export const BACKUP_USAGE = `  backup --out FILE              write an encrypted, consistent backup (safe while the daemon runs)
  backup verify FILE             check a backup opens with the configured key and holds a sound database
  restore FILE                   restore a backup into an empty data dir (then start the daemon)
`;

async function explainFailure(ctx: CliContext, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (err) {
    if (!isIntakeError(err)) throw err;
    ctx.err.write(`intake: ${err.message}\n`);
    return EXIT_FAILURE;
  }
}

export async function runBackupCommand(args: string[], ctx: CliContext): Promise<number> {
  const config = loadOrExplain(ctx);
  if (!config) return EXIT_USAGE;
  if (args[0] === 'verify') {
    const file = args[1];
    if (!file) {
      ctx.err.write('usage: intake backup verify FILE\n');
      return EXIT_USAGE;
    }
    return explainFailure(ctx, async () => {
      const h = await verifyBackup(file, backupKeys(config), tmpdir());
      ctx.out.write(`backup ok: taken ${h.createdAt}, schema ${h.schemaVersion}, ${h.keySource} ${h.keyId}\n`);
      return EXIT_OK;
    });
  }
  const out = flagValue(args, '--out');
  if (!out) {
    ctx.err.write(`usage:\n${BACKUP_USAGE}`);
    return EXIT_USAGE;
  }
  return explainFailure(ctx, async () => {
    const key = sealingKey(backupKeys(config));
    const core = buildCore(config, createLogger({ level: 'warn', destination: process.stderr, addresses: config.privacy.logAddresses }));
    try {
      const summary = await createBackup(core.db, out, key);
      core.audit.record({ actor: 'cli', action: 'backup.created', detail: { bytes: summary.bytes, keyId: summary.header.keyId } });
      ctx.out.write(`wrote ${out} (${summary.bytes} bytes, encrypted with ${key.source} ${summary.header.keyId})\n`);
      return EXIT_OK;
    } finally {
      await core.steps.close();
    }
  });
}

export async function runRestoreCommand(args: string[], ctx: CliContext): Promise<number> {
  const file = args[0];
  if (!file) {
    ctx.err.write('usage: intake restore FILE   (into an empty data dir; the same INTAKE_SECRET_KEY, or INTAKE_BACKUP_KEY)\n');
    return EXIT_USAGE;
  }
  const config = loadOrExplain(ctx);
  if (!config) return EXIT_USAGE;
  return explainFailure(ctx, async () => {
    mkdirSync(dirname(config.database.file), { recursive: true });
    const h = await restoreBackup(file, backupKeys(config), config.database.file);
    ctx.out.write(`restored ${config.database.file} from a backup taken ${h.createdAt}; start the daemon to go on syncing\n`);
    return EXIT_OK;
  });
}
