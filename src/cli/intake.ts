// `intake <command>`: parses the command line and dispatches. Each command returns an
// exit code; only main.ts turns it into process.exit.
import { EXIT_USAGE, type CliContext } from './cli-context.js';
import { runStart } from './start-command.js';
import { runMailboxCommand } from './mailbox-command.js';
import { runDemo } from './demo-command.js';
import { runAdminCommand } from './admin-command.js';
import { runTokenCommand } from './token-command.js';
import { runKeysCommand } from './keys-command.js';
import { runSpamEntry } from './spam-entry.js';
import { runWebhookCommand } from './webhook-command.js';
import { runJobsCommand } from './jobs-command.js';
import { PRIVACY_USAGE, runPrivacyCommand } from './privacy-command.js';
import { BACKUP_USAGE, runBackupCommand, runRestoreCommand } from './backup-command.js';

const USAGE = `usage: intake <command>

  start [--role all|scheduler|worker]
                                 run the daemon (the default); with queue.driver = "bullmq" the
                                 scheduler and the ingest workers can run as separate processes
  worker [--remote]              the same as start --role worker; --remote: on a host without the
                                 store's SQLite file, through Redis only (docs/scaling.md)
  demo                           run a self-contained demo against a local fake Google
  demo deliver [FILE...]         deliver mail into the running demo's mailbox
  mailbox list                   list connected mailboxes and their health
  mailbox remove ID [--delete-tickets]
                                 revoke at Google and delete a mailbox's OAuth data
  mailbox sync ID [--progress]   sync a mailbox now; --progress follows its import with a progress bar
  mailbox preview ID [--backfill all|none|days:N]
                                 count and sample what a backfill choice would import
  mailbox backfill ID all|none|days:N
                                 confirm the first import of a mailbox that waits for it
  mailbox add-imap EMAIL --host HOST [--port N] [--security tls|starttls|plain] [--username USER]
                   [--folder NAME] [--backfill all|none|days:N] [--password-file FILE|-]
                                 add an IMAP mailbox that signs in with a password (any server)
  admin create USERNAME [--password-file FILE]
                                 create an admin; prints its TOTP secret and recovery codes once
  token create --scope agent|admin --name NAME
                                 create a REST API token (printed once)
  token list | token revoke ID   list or revoke REST API tokens
  webhook add URL [--events a,b] | list | remove ID | rotate-secret ID | failed ID | retry DELIVERY_ID
                                 manage webhook endpoints (a new secret is printed once)
  keys rotate                    re-encrypt stored secrets under the first INTAKE_SECRET_KEY
  spam train [--spam PATH]... [--ham PATH]... | --starter
                                 teach the spam filter from an mbox, a Maildir or a folder of messages
  jobs failed [--limit N]        failed jobs and poison entries, with their error code and message
  jobs retry ID|--all            replay a failed job or poison entry (or every one)
  spam stats                     what the spam model has learned
  spam reset --yes [--starter-only]
                                 forget what the spam model learned
${PRIVACY_USAGE}${BACKUP_USAGE}`;

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const [command = 'start', ...rest] = argv;
  switch (command) {
    case 'start':
      return runStart(ctx, rest);
    case 'worker':
      return runStart(ctx, ['--role', 'worker', ...rest]);
    case 'demo':
      return runDemo(rest, ctx);
    case 'mailbox':
      return runMailboxCommand(rest, ctx);
    case 'admin':
      return runAdminCommand(rest, ctx);
    case 'token':
      return runTokenCommand(rest, ctx);
    case 'webhook':
      return runWebhookCommand(rest, ctx);
    case 'keys':
      return runKeysCommand(rest, ctx);
    case 'spam':
      return runSpamEntry(rest, ctx);
    case 'jobs':
      return runJobsCommand(rest, ctx);
    case 'privacy':
    case 'retention':
    case 'audit':
      return runPrivacyCommand(command, rest, ctx);
    case 'backup':
      return runBackupCommand(rest, ctx);
    case 'restore':
      return runRestoreCommand(rest, ctx);
    case 'help':
    case '--help':
    case '-h':
      ctx.out.write(USAGE);
      return 0;
    default:
      ctx.err.write(`intake: unknown command "${command}"\n${USAGE}`);
      return EXIT_USAGE;
  }
}
