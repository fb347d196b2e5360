// `intake token create|list|revoke`: REST API tokens from the command line. A new token
// is printed once; the database keeps only its SHA-256.
import { createLogger } from '../log/logger.js';
import { buildCore, type Core } from '../daemon/core.js';
import { ApiTokenRepo } from '../auth/api-token-repo.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';
import { loadOrExplain } from './load-or-explain.js';

const USAGE = 'usage: intake token create --scope agent|admin --name NAME | intake token list | intake token revoke ID\n';

export async function runTokenCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke') {
    ctx.err.write(USAGE);
    return EXIT_USAGE;
  }
  const config = loadOrExplain(ctx);
  if (!config) return EXIT_USAGE;
  const core = buildCore(config, createLogger({ level: 'warn', destination: process.stderr }));
  try {
    const tokens = new ApiTokenRepo(core.db);
    if (sub === 'create') return create(core, tokens, rest, ctx);
    if (sub === 'list') return list(tokens, ctx);
    return revoke(core, tokens, rest, ctx);
  } finally {
    await core.steps.close();
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function create(core: Core, tokens: ApiTokenRepo, args: string[], ctx: CliContext): number {
  const scope = option(args, '--scope');
  const name = option(args, '--name')?.trim();
  if ((scope !== 'agent' && scope !== 'admin') || !name) {
    ctx.err.write(USAGE);
    return EXIT_USAGE;
  }
  const { token, info } = tokens.create({ name, scope, createdBy: 'cli' });
  core.audit.record({ actor: 'cli', action: 'api_token.created', subjectRef: `api_token:${info.id}`, detail: { scope } });
  ctx.out.write(`token ${info.id} "${info.name}" (${info.scope}) created; it is shown only now:\n${token}\n`);
  return EXIT_OK;
}

function list(tokens: ApiTokenRepo, ctx: CliContext): number {
  const rows = tokens.list();
  if (rows.length === 0) ctx.out.write('no API tokens\n');
  for (const t of rows) {
    const status = t.revokedAt ? `revoked ${t.revokedAt}` : `last used ${t.lastUsedAt ?? 'never'}`;
    ctx.out.write(`${String(t.id).padEnd(4)} ${t.scope.padEnd(6)} ${t.name.padEnd(24)} created ${t.createdAt}  ${status}\n`);
  }
  return EXIT_OK;
}

function revoke(core: Core, tokens: ApiTokenRepo, args: string[], ctx: CliContext): number {
  const id = Number(args[0]);
  if (!Number.isInteger(id) || id <= 0) {
    ctx.err.write(USAGE);
    return EXIT_USAGE;
  }
  if (!tokens.get(id)) {
    ctx.err.write(`intake: no API token with id ${id}\n`);
    return EXIT_FAILURE;
  }
  const changed = tokens.revoke(id);
  core.audit.record({ actor: 'cli', action: 'api_token.revoked', subjectRef: `api_token:${id}` });
  ctx.out.write(changed ? `token ${id} revoked\n` : `token ${id} was already revoked\n`);
  return EXIT_OK;
}
