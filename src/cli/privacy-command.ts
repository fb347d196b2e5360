// `intake privacy erase|export`, `intake retention run` and `intake audit verify|list`: the
// privacy operations from the command line, on the same service the API uses (actor "cli").
import { writeFileSync } from 'node:fs';
import { createLogger } from '../log/logger.js';
import { buildCore, type Core } from '../daemon/core.js';
import { buildPrivacyService } from '../daemon/privacy-wiring.js';
import { isIntakeError } from '../errors/intake-error.js';
import type { PrivacyService } from '../privacy/privacy-service.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';
import { loadOrExplain } from './load-or-explain.js';
import { flagValue, hasFlag } from './cli-args.js';

export const PRIVACY_USAGE = `  privacy erase --email ADDR [--scope tickets|messages] [--dry-run]
                                 erase everything held about an address (counts only with --dry-run)
  privacy export --email ADDR --out FILE
                                 write everything held about an address to a tar archive
  retention run [--dry-run]      purge what the retention policy says has expired (exact counts first with --dry-run)
  audit verify                   check the audit log's hash chain (exit 1 when a row was removed or edited)
  audit list [--limit N]         the newest audit entries
`;

type Run = (privacy: PrivacyService, args: string[], ctx: CliContext) => number | Promise<number>;

async function withPrivacy(ctx: CliContext, args: string[], run: Run): Promise<number> {
  const config = loadOrExplain(ctx);
  if (!config) return EXIT_USAGE;
  const core: Core = buildCore(
    config,
    createLogger({ level: 'warn', destination: process.stderr, addresses: config.privacy.logAddresses }),
  );
  try {
    return await run(buildPrivacyService(core), args, ctx);
  } catch (err) {
    if (!isIntakeError(err)) throw err;
    ctx.err.write(`intake: ${err.message}\n`);
    return err.code === 'INTAKE_ERR_BAD_REQUEST' ? EXIT_USAGE : EXIT_FAILURE;
  } finally {
    await core.steps.close();
  }
}

const erase: Run = async (privacy, args, ctx) => {
  const email = flagValue(args, '--email');
  const scope = flagValue(args, '--scope') ?? 'tickets';
  if (!email || (scope !== 'tickets' && scope !== 'messages')) {
    ctx.err.write('usage: intake privacy erase --email ADDR [--scope tickets|messages] [--dry-run]\n');
    return EXIT_USAGE;
  }
  const receipt = await privacy.erase({ email, scope, dryRun: hasFlag(args, '--dry-run'), actor: 'cli' });
  ctx.out.write(`${receipt.dryRun ? 'would erase' : 'erased'} (subject ${receipt.subjectRef}, scope ${receipt.scope}):\n`);
  for (const [name, n] of Object.entries(receipt.counts)) ctx.out.write(`  ${name.padEnd(18)} ${String(n).padStart(7)}\n`);
  if (!receipt.dryRun)
    ctx.out.write(`receipt: audit entry ${receipt.auditId}${receipt.walTruncated ? '' : '; WAL busy, checkpoint pending'}\n`);
  const running = receipt.counts.queueJobsRunning ?? 0;
  if (running > 0) {
    ctx.out.write(`${running} queued job(s) of this address were running and were left alone; run the erase again once they finish\n`);
  }
  return EXIT_OK;
};

const exportCmd: Run = (privacy, args, ctx) => {
  const email = flagValue(args, '--email');
  const out = flagValue(args, '--out');
  if (!email || !out) {
    ctx.err.write('usage: intake privacy export --email ADDR --out FILE\n');
    return EXIT_USAGE;
  }
  const { archive, document } = privacy.export(email, 'cli');
  writeFileSync(out, archive, { mode: 0o600 });
  const d = document as { tickets: unknown[]; quarantine: unknown[] };
  ctx.out.write(`wrote ${out} (${archive.length} bytes: ${d.tickets.length} tickets, ${d.quarantine.length} quarantined)\n`);
  return EXIT_OK;
};

const retention: Run = (privacy, args, ctx) => {
  if (args[0] !== 'run') {
    ctx.err.write('usage: intake retention run [--dry-run]\n');
    return EXIT_USAGE;
  }
  const report = privacy.retention({ dryRun: hasFlag(args, '--dry-run'), actor: 'cli' });
  ctx.out.write(`${report.dryRun ? 'would delete' : 'deleted'}:\n`);
  for (const r of report.rules) {
    const counts = Object.entries(r.counts).map(([k, n]) => `${k} ${n}`);
    ctx.out.write(`  ${r.rule.padEnd(22)} older than ${r.days} days: ${counts.join(', ') || 'nothing'}\n`);
  }
  ctx.out.write(`  ${'orphanContacts'.padEnd(22)} ${report.orphanContacts}\n  total ${report.total}\n`);
  return EXIT_OK;
};

const audit: Run = (privacy, args, ctx) => {
  if (args[0] === 'verify') {
    const v = privacy.verifyAudit();
    if (v.ok) ctx.out.write(`audit log intact: ${v.rows} rows, chain verified\n`);
    else for (const p of v.problems) ctx.err.write(`audit log tampered: ${p}\n`);
    return v.ok ? EXIT_OK : EXIT_FAILURE;
  }
  if (args[0] === 'list') {
    const limit = Number(flagValue(args, '--limit') ?? 50);
    for (const e of privacy.audit.page({ limit: Number.isInteger(limit) && limit > 0 ? limit : 50 })) {
      ctx.out.write(`${e.id}\t${e.at}\t${e.actor}\t${e.action}\t${e.subjectRef ?? ''}\t${e.detail ? JSON.stringify(e.detail) : ''}\n`);
    }
    return EXIT_OK;
  }
  ctx.err.write('usage: intake audit verify | intake audit list [--limit N]\n');
  return EXIT_USAGE;
};

export function runPrivacyCommand(command: 'privacy' | 'retention' | 'audit', args: string[], ctx: CliContext): Promise<number> {
  if (command === 'retention') return withPrivacy(ctx, args, retention);
  if (command === 'audit') return withPrivacy(ctx, args, audit);
  const [sub, ...rest] = args;
  if (sub === 'erase') return withPrivacy(ctx, rest, erase);
  if (sub === 'export') return withPrivacy(ctx, rest, exportCmd);
  ctx.err.write(`usage:\n${PRIVACY_USAGE}`);
  return Promise.resolve(EXIT_USAGE);
}
