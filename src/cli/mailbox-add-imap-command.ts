// `intake mailbox add-imap EMAIL --host HOST [...]`: adds an IMAP mailbox that signs in with a
// password, on any server. The sign-in is checked before anything is stored; a running
// daemon finds the new mailbox within one poll interval. The password comes from
// --password-file (or `-` for stdin) or, on a terminal, a hidden prompt; never from an argument,
// which other users could read in the process list.
import { readFileSync } from 'node:fs';
import type { Core } from '../daemon/core.js';
import { imapAccountBody } from '../http/mailbox-routes.js';
import { imapConnector } from '../daemon/imap-wiring.js';
import { formatBackfillChoice } from '../sync/backfill-choice.js';
import { isIntakeError } from '../errors/intake-error.js';
import { flagValue } from './cli-args.js';
import { promptSecret } from './prompt-password.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';

export const ADD_IMAP_USAGE = `  mailbox add-imap EMAIL --host HOST [--port N] [--security tls|starttls|plain]
                   [--username USER] [--folder NAME] [--backfill all|none|days:N] [--password-file FILE|-]
                                 add an IMAP mailbox that signs in with a password (any server)
`;

async function passwordFrom(args: string[], ctx: CliContext): Promise<string | null> {
  const file = flagValue(args, '--password-file');
  if (file !== undefined) return readFileSync(file === '-' ? 0 : file, 'utf8').replace(/\r?\n$/, '');
  const typed = await promptSecret('IMAP password: ');
  if (typed === null) ctx.err.write('intake: no password: pass --password-file FILE (or - for stdin), or run on a terminal\n');
  return typed;
}

export async function runMailboxAddImap(core: Core, args: string[], ctx: CliContext): Promise<number> {
  const [email] = args;
  if (!email || email.startsWith('--')) {
    ctx.err.write(`usage:\n${ADD_IMAP_USAGE}`);
    return EXIT_USAGE;
  }
  const password = await passwordFrom(args, ctx);
  if (password === null) return EXIT_USAGE;
  const port = flagValue(args, '--port');
  const parsed = imapAccountBody.safeParse({
    email,
    host: flagValue(args, '--host'),
    ...(port === undefined ? {} : { port: Number(port) }),
    ...optional('security', flagValue(args, '--security')),
    ...optional('username', flagValue(args, '--username')),
    ...optional('folder', flagValue(args, '--folder')),
    ...optional('backfill', flagValue(args, '--backfill')),
    password,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.err.write(`intake: --${issue.path.join('.') || 'arguments'}: ${issue.message}\n`);
    ctx.err.write(`usage:\n${ADD_IMAP_USAGE}`);
    return EXIT_USAGE;
  }
  const { backfill, ...account } = parsed.data;
  try {
    const result = await imapConnector(core)({ ...account, ...(backfill ? { backfill: formatBackfillChoice(backfill) } : {}) }, 'cli');
    ctx.out.write(
      `mailbox ${result.mailbox.id} ${result.created ? 'added' : 'updated'}: ${account.username} on ${account.host}:${account.port} (${account.security}), ` +
        `${result.messages} messages in ${account.folder}; a running daemon starts reading it within one poll interval\n`,
    );
    return EXIT_OK;
  } catch (err) {
    if (!isIntakeError(err)) throw err;
    ctx.err.write(`intake: ${err.code}: ${err.message}\n`);
    return EXIT_FAILURE;
  }
}

function optional(key: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [key]: value };
}
