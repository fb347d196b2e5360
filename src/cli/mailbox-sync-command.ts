// `intake mailbox sync ID [--progress] | preview ID [--backfill CHOICE] | backfill ID CHOICE`:
// run a sync pass now (the cursor rule holds: jobs first, then the cursor) and follow the
// import with a live progress bar; preview what a backfill choice would import; confirm it.
import type { Core } from '../daemon/core.js';
import { createMetrics } from '../metrics/metrics.js';
import { syncMailbox } from '../sync/sync-mailbox.js';
import { syncDepsOf } from '../daemon/sync-deps.js';
import { backfillProgress, progressLine, type BackfillProgress } from '../sync/backfill-progress.js';
import { formatBackfillChoice, isChoiceError, parseBackfillChoice } from '../sync/backfill-choice.js';
import { buildSyncHttpDeps } from '../daemon/sync-wiring.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';

export const MAILBOX_SYNC_USAGE = `  mailbox sync ID [--progress]   sync a mailbox now; --progress follows its import with a progress bar
  mailbox preview ID [--backfill all|none|days:N]
                                 how many messages a backfill would import, and what a sample looks like
  mailbox backfill ID all|none|days:N
                                 confirm (or change) the first import of a mailbox that waits for it
`;

function mailboxOf(core: Core, arg: string | undefined, ctx: CliContext) {
  const id = Number(arg);
  const mailbox = Number.isInteger(id) && id > 0 ? core.mailboxes.get(id) : undefined;
  if (!mailbox) ctx.err.write(`intake: no mailbox with id ${arg ?? '(missing)'}; see \`intake mailbox list\`\n`);
  return mailbox;
}

export async function runMailboxSync(core: Core, args: string[], ctx: CliContext): Promise<number> {
  const mailbox = mailboxOf(core, args[0], ctx);
  if (!mailbox) return EXIT_FAILURE;
  const log = core.log.child({ module: 'sync' });
  const result = await syncMailbox(syncDepsOf(core, createMetrics(), log), mailbox);
  if (result === 'awaiting_confirm') {
    ctx.err.write(
      `mailbox ${mailbox.id} waits for its import to be confirmed: \`intake mailbox backfill ${mailbox.id} all|none|days:N\`\n`,
    );
    return EXIT_FAILURE;
  }
  if (result !== 'ok' && result !== 'changed') {
    const code = core.mailboxes.syncState(mailbox.id)?.lastErrorCode ?? result;
    ctx.err.write(`mailbox ${mailbox.id}: sync failed (${code}); see \`intake mailbox list\`\n`);
    return EXIT_FAILURE;
  }
  ctx.out.write(`mailbox ${mailbox.id}: sync pass done\n`);
  if (!args.includes('--progress')) return EXIT_OK;
  return followProgress(core, mailbox.id, ctx);
}

/** Redraws one line while the running daemon's workers import; ends when the import is done. */
async function followProgress(core: Core, id: number, ctx: CliContext): Promise<number> {
  const tty = (ctx.out as NodeJS.WriteStream).isTTY === true;
  let stop = false;
  ctx.onSignal(() => (stop = true));
  let last = '';
  for (;;) {
    const m = core.mailboxes.get(id);
    const p: BackfillProgress | null = m ? backfillProgress(m, core.mailboxes.syncState(id)) : null;
    const line = p ? progressLine(p) : 'no import in progress';
    if (line !== last) ctx.out.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    last = line;
    if (!p || p.phase === 'done' || stop) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (tty) ctx.out.write('\n');
  return EXIT_OK;
}

export async function runMailboxPreview(core: Core, args: string[], ctx: CliContext): Promise<number> {
  const mailbox = mailboxOf(core, args[0], ctx);
  if (!mailbox) return EXIT_FAILURE;
  const i = args.indexOf('--backfill');
  const choice = parseBackfillChoice(i >= 0 ? (args[i + 1] ?? '') : (core.mailboxes.syncState(mailbox.id)?.backfillChoice ?? 'all'));
  if (isChoiceError(choice)) {
    ctx.err.write(`intake: ${choice.error}\n`);
    return EXIT_USAGE;
  }
  const p = await buildSyncHttpDeps(core).preview(mailbox, choice);
  const s = p.sample;
  ctx.out.write(
    `backfill ${p.backfill}: ${p.count}${p.exact ? '' : '+'} messages would be imported\n` +
      `of the ${p.sampled} newest: ${s.ticket} new tickets, ${s.reply} replies, ${s.machine} machine mail, ${s.spam} spam\n`,
  );
  return EXIT_OK;
}

export function runMailboxBackfill(core: Core, args: string[], ctx: CliContext): number {
  const mailbox = mailboxOf(core, args[0], ctx);
  if (!mailbox) return EXIT_FAILURE;
  const choice = parseBackfillChoice(args[1] ?? '');
  if (isChoiceError(choice)) {
    ctx.err.write(`intake: ${choice.error}\n`);
    return EXIT_USAGE;
  }
  const state = core.mailboxes.syncState(mailbox.id);
  if (!state || state.backfillStartedAt !== null || state.historyId !== null) {
    ctx.err.write(`intake: mailbox ${mailbox.id} has already started importing; the choice applies only before the first import\n`);
    return EXIT_FAILURE;
  }
  core.mailboxes.setBackfillChoice(mailbox.id, formatBackfillChoice(choice), false);
  ctx.out.write(`mailbox ${mailbox.id}: import confirmed (${formatBackfillChoice(choice)}); the daemon starts it at its next poll\n`);
  return EXIT_OK;
}
