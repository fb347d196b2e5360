// `intake jobs failed | retry ID|--all`: dead letters (failed jobs) and poison entries from the
// command line, on the same core parts and the same replay path as the REST API.
import { createLogger } from '../log/logger.js';
import { buildCore, type Core } from '../daemon/core.js';
import { listDeadLetters, poisonRef, retryAllDeadLetters, retryDeadLetter } from '../jobs/dead-letters.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';
import { loadOrExplain } from './load-or-explain.js';

const USAGE = 'usage: intake jobs failed [--limit N] | intake jobs retry ID|--all  (IDs from `intake jobs failed`)\n';

export async function runJobsCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  if ((sub !== 'failed' && sub !== 'retry') || (sub === 'retry' && rest.length !== 1)) {
    ctx.err.write(USAGE);
    return EXIT_USAGE;
  }
  const limit = sub === 'failed' ? readLimit(rest) : 0;
  if (limit === null) {
    ctx.err.write(`intake: --limit takes a whole number from 1 to 10000\n${USAGE}`);
    return EXIT_USAGE;
  }
  const config = loadOrExplain(ctx);
  if (!config) return EXIT_USAGE;
  const core = buildCore(config, createLogger({ level: 'warn', destination: process.stderr }));
  try {
    return sub === 'failed' ? await list(core, limit, ctx) : await retry(core, rest[0]!, ctx);
  } finally {
    await core.steps.close();
  }
}

function readLimit(args: string[]): number | null {
  const at = args.indexOf('--limit');
  if (at < 0) return 100;
  const value = args[at + 1] ?? '';
  return /^[1-9]\d{0,4}$/.test(value) && Number(value) <= 10_000 ? Number(value) : null;
}

async function list(core: Core, limit: number, ctx: CliContext): Promise<number> {
  const { jobs, poison } = await listDeadLetters({ queue: core.queue, poison: core.poison }, { limit });
  if (jobs.length === 0 && poison.length === 0) {
    ctx.out.write('no failed jobs and no poison entries\n');
    return EXIT_OK;
  }
  ctx.out.write(`${'ID'.padEnd(40)} ${'MAILBOX'.padEnd(8)} ${'ATTEMPTS'.padEnd(9)} ${'WHEN'.padEnd(25)} ERROR\n`);
  for (const j of jobs) {
    const error = `${j.errorCode ?? '?'}: ${j.errorMessage ?? ''}`;
    ctx.out.write(
      `${j.id.padEnd(40)} ${String(j.mailboxId ?? '-').padEnd(8)} ${String(j.attempts).padEnd(9)} ${(j.failedAt ?? '').padEnd(25)} ${error}\n`,
    );
  }
  for (const p of poison) {
    const error = `${p.errorCode}: ${p.errorMessage}`;
    ctx.out.write(
      `${poisonRef(p.id).padEnd(40)} ${String(p.mailboxId).padEnd(8)} ${String(p.attempts).padEnd(9)} ${p.updatedAt.padEnd(25)} ${error}\n`,
    );
  }
  ctx.out.write(
    `${jobs.length} failed job(s), ${poison.length} poison entr${poison.length === 1 ? 'y' : 'ies'}; replay with \`intake jobs retry ID\` or \`--all\`\n`,
  );
  return EXIT_OK;
}

async function retry(core: Core, id: string, ctx: CliContext): Promise<number> {
  const deps = { queue: core.queue, poison: core.poison };
  if (id === '--all') {
    const counts = await retryAllDeadLetters(deps);
    ctx.out.write(`replaying ${counts.jobs} failed job(s) and ${counts.poison} poison entr${counts.poison === 1 ? 'y' : 'ies'}\n`);
    return EXIT_OK;
  }
  if ((await retryDeadLetter(deps, id)) === 'not_found') {
    ctx.err.write(`intake: no failed job or poison entry with id ${id}; list them with \`intake jobs failed\`\n`);
    return EXIT_FAILURE;
  }
  ctx.out.write(`${id} will run again (the running daemon picks it up)\n`);
  return EXIT_OK;
}
