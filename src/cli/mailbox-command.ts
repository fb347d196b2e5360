// `intake mailbox list|remove`: the operator's view of connected mailboxes without the
// web page, on the same core parts the daemon uses.
import { createLogger } from '../log/logger.js';
import { buildCore } from '../daemon/core.js';
import { mailboxHealth } from '../http/mailbox-health.js';
import { disconnectMailbox } from '../privacy/disconnect-mailbox.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';
import { loadOrExplain } from './load-or-explain.js';
import { ADD_IMAP_USAGE, runMailboxAddImap } from './mailbox-add-imap-command.js';
import { MAILBOX_SYNC_USAGE, runMailboxBackfill, runMailboxPreview, runMailboxSync } from './mailbox-sync-command.js';

const SUBCOMMANDS = ['list', 'remove', 'sync', 'preview', 'backfill', 'add-imap'];

export async function runMailboxCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !SUBCOMMANDS.includes(sub)) {
    ctx.err.write(`usage: intake mailbox list | intake mailbox remove ID [--delete-tickets]\n${MAILBOX_SYNC_USAGE}${ADD_IMAP_USAGE}`);
    return EXIT_USAGE;
  }
  const config = loadOrExplain(ctx);
  if (!config) return EXIT_USAGE;
  const core = buildCore(config, createLogger({ level: 'warn', destination: process.stderr }));
  try {
    if (sub === 'sync') return await runMailboxSync(core, rest, ctx);
    if (sub === 'preview') return await runMailboxPreview(core, rest, ctx);
    if (sub === 'backfill') return runMailboxBackfill(core, rest, ctx);
    if (sub === 'add-imap') return await runMailboxAddImap(core, rest, ctx);
    return sub === 'list' ? list(core, ctx) : await remove(core, rest, ctx);
  } finally {
    await core.steps.close();
  }
}

function list(core: ReturnType<typeof buildCore>, ctx: CliContext): number {
  const rows = core.mailboxes.list();
  if (rows.length === 0) {
    ctx.out.write('no mailboxes connected\n');
    return EXIT_OK;
  }
  ctx.out.write(`${'ID'.padEnd(4)} ${'EMAIL'.padEnd(36)} ${'STATE'.padEnd(16)} LAST SYNC\n`);
  for (const m of rows) {
    const h = mailboxHealth(m, core.mailboxes.syncState(m.id), config(core).sync.pollIntervalSeconds);
    const state = h.reason ? `${m.state} (${h.reason})` : m.state;
    ctx.out.write(`${String(m.id).padEnd(4)} ${m.email.padEnd(36)} ${state.padEnd(16)} ${h.lastSuccessfulSync ?? 'never'}\n`);
  }
  return EXIT_OK;
}

async function remove(core: ReturnType<typeof buildCore>, args: string[], ctx: CliContext): Promise<number> {
  const id = Number(args[0]);
  if (!Number.isInteger(id) || id <= 0) {
    ctx.err.write('usage: intake mailbox remove ID [--delete-tickets]  (ID from `intake mailbox list`)\n');
    return EXIT_USAGE;
  }
  if (!core.mailboxes.get(id)) {
    ctx.err.write(`intake: no mailbox with id ${id}\n`);
    return EXIT_FAILURE;
  }
  const deleteTickets = args.includes('--delete-tickets');
  const password = core.mailboxes.imapAccount(id) !== undefined;
  const { revoked } = await disconnectMailbox(core.disconnectDeps, id, { deleteTickets, actor: 'cli' });
  const grant = password
    ? 'IMAP password deleted'
    : revoked
      ? 'revoked at Google'
      : 'Google unreachable: revocation will be retried by the daemon';
  ctx.out.write(`mailbox ${id} removed${deleteTickets ? ' with its tickets' : ''}; ${grant}\n`);
  return EXIT_OK;
}

const config = (core: ReturnType<typeof buildCore>) => core.config;
