// `intake webhook add|list|remove|rotate-secret|failed|retry`: webhook endpoints from the
// command line, through the same checks and audit as the API. A secret is printed once.
import { createLogger } from '../log/logger.js';
import { buildCore, type Core } from '../daemon/core.js';
import { isIntakeError } from '../errors/intake-error.js';
import { WebhookRepo, isEventType } from '../delivery/webhook-repo.js';
import { DeliveryRepo } from '../delivery/delivery-repo.js';
import { addWebhook, removeWebhook, rotateWebhookSecret, type WebhookAdminDeps } from '../delivery/webhook-admin.js';
import { EVENT_TYPES } from '../store/event-repo.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';
import { loadOrExplain } from './load-or-explain.js';

const USAGE = `usage: intake webhook add URL [--events a,b] [--description TEXT]
       intake webhook list | remove ID | rotate-secret ID | failed ID | retry DELIVERY_ID
events: ${EVENT_TYPES.join(', ')}
`;
const SUBCOMMANDS = ['add', 'list', 'remove', 'rotate-secret', 'failed', 'retry'];

export async function runWebhookCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !SUBCOMMANDS.includes(sub)) {
    ctx.err.write(USAGE);
    return EXIT_USAGE;
  }
  const config = loadOrExplain(ctx);
  if (!config) return EXIT_USAGE;
  const core = buildCore(config, createLogger({ level: 'warn', destination: process.stderr }));
  const deps: WebhookAdminDeps = { endpoints: new WebhookRepo(core.db, core.box), audit: core.audit, policy: config.webhooks };
  try {
    return await run(sub, rest, deps, core, ctx);
  } catch (err) {
    if (!isIntakeError(err)) throw err;
    ctx.err.write(`intake: ${err.message} (${err.code})\n`);
    return EXIT_FAILURE;
  } finally {
    await core.steps.close();
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function idArg(args: string[], ctx: CliContext): number | undefined {
  const id = Number(args[0]);
  if (Number.isInteger(id) && id > 0) return id;
  ctx.err.write(USAGE);
  return undefined;
}

async function run(sub: string, args: string[], deps: WebhookAdminDeps, core: Core, ctx: CliContext): Promise<number> {
  if (sub === 'add') return add(args, deps, ctx);
  if (sub === 'list') return list(deps, ctx);
  const id = idArg(args, ctx);
  if (id === undefined) return EXIT_USAGE;
  if (sub === 'remove') {
    removeWebhook(deps, id, 'cli');
    ctx.out.write(`webhook ${id} removed\n`);
    return EXIT_OK;
  }
  if (sub === 'rotate-secret') {
    ctx.out.write(`webhook ${id}: new signing secret (shown only now):\n${rotateWebhookSecret(deps, id, 'cli')}\n`);
    return EXIT_OK;
  }
  const deliveries = new DeliveryRepo(core.db);
  if (sub === 'failed') {
    const rows = deliveries.list(id, 'failed', 100);
    if (rows.length === 0) ctx.out.write('no dead letters\n');
    for (const d of rows) ctx.out.write(`${String(d.id).padEnd(6)} ${d.eventType.padEnd(24)} ${d.eventId}  ${d.lastError ?? ''}\n`);
    return EXIT_OK;
  }
  if (!deliveries.retry(id)) {
    ctx.err.write(`intake: no delivery with id ${id}\n`);
    return EXIT_FAILURE;
  }
  core.audit.record({ actor: 'cli', action: 'webhook.delivery_retried', subjectRef: `delivery:${id}` });
  ctx.out.write(`delivery ${id} will be sent again by the running daemon\n`);
  return EXIT_OK;
}

async function add(args: string[], deps: WebhookAdminDeps, ctx: CliContext): Promise<number> {
  const url = args[0];
  const events = (option(args, '--events') ?? '').split(',').filter(Boolean);
  const unknown = events.filter((e) => !isEventType(e));
  if (!url || url.startsWith('--') || unknown.length > 0) {
    if (unknown.length > 0) ctx.err.write(`intake: unknown event type ${unknown.join(', ')}\n`);
    ctx.err.write(USAGE);
    return EXIT_USAGE;
  }
  const { endpoint, secret } = await addWebhook(
    deps,
    { url, events: events.filter(isEventType), description: option(args, '--description') ?? '' },
    'cli',
  );
  ctx.out.write(`webhook ${endpoint.id} added for ${endpoint.url}; its signing secret is shown only now:\n${secret}\n`);
  return EXIT_OK;
}

function list(deps: WebhookAdminDeps, ctx: CliContext): number {
  const rows = deps.endpoints.list();
  if (rows.length === 0) ctx.out.write('no webhook endpoints\n');
  for (const w of rows) {
    const events = w.events.length ? w.events.join(',') : 'all events';
    const state = w.state === 'active' ? 'active' : `disabled (${w.disabledReason ?? 'by an admin'})`;
    ctx.out.write(`${String(w.id).padEnd(4)} ${w.url}  ${events}  ${state}\n`);
  }
  return EXIT_OK;
}
