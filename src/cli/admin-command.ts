// `intake admin create USERNAME`: creates an admin account and prints its TOTP secret,
// otpauth:// URI and recovery codes exactly once. The password comes from --password-file,
// INTAKE_ADMIN_PASSWORD(_FILE) or, on a terminal, a hidden prompt.
import { readFileSync } from 'node:fs';
import { createLogger } from '../log/logger.js';
import { buildCore } from '../daemon/core.js';
import { AdminRepo } from '../auth/admin-repo.js';
import { createAdminAccount, type CreatedAdmin } from '../auth/create-admin.js';
import { isIntakeError } from '../errors/intake-error.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';
import { loadOrExplain } from './load-or-explain.js';
import { promptNewPassword } from './prompt-password.js';

const USAGE = 'usage: intake admin create USERNAME [--password-file FILE]\n';

export async function runAdminCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub, username, ...rest] = args;
  if (sub !== 'create' || !username || username.startsWith('-')) {
    ctx.err.write(USAGE);
    return EXIT_USAGE;
  }
  const config = loadOrExplain(ctx);
  if (!config) return EXIT_USAGE;
  const password = await passwordFrom(rest, config.secrets.adminPassword, ctx);
  if (password === null) return EXIT_USAGE;
  const core = buildCore(config, createLogger({ level: 'warn', destination: process.stderr }));
  try {
    printCreated(await createAdminAccount(new AdminRepo(core.db, core.box), { username, password }), ctx);
    return EXIT_OK;
  } catch (err) {
    if (!isIntakeError(err)) throw err;
    ctx.err.write(`intake: ${err.message}\n`);
    return EXIT_FAILURE;
  } finally {
    await core.steps.close();
  }
}

async function passwordFrom(args: string[], fromEnv: string | undefined, ctx: CliContext): Promise<string | null> {
  const i = args.indexOf('--password-file');
  if (i >= 0) {
    const file = args[i + 1];
    if (!file) {
      ctx.err.write(USAGE);
      return null;
    }
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  }
  if (fromEnv) return fromEnv;
  const typed = await promptNewPassword();
  if (typed === null) {
    ctx.err.write(
      'intake: no password: pass --password-file FILE or INTAKE_ADMIN_PASSWORD(_FILE), or run on a terminal (both entries must match)\n',
    );
  }
  return typed;
}

function printCreated(admin: CreatedAdmin, ctx: CliContext): void {
  ctx.out.write(`Admin "${admin.username}" created.

Add it to an authenticator app (Google Authenticator, 1Password, ...):
  otpauth URI : ${admin.otpauthUri}
  secret      : ${admin.totpSecret}

Recovery codes (each works once in place of a code; store them offline):
${admin.recoveryCodes.map((c) => `  ${c}`).join('\n')}

These are shown only now. Sign in at /admin/login.
`);
}
