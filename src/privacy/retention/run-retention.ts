// Runs the retention rules that apply now, in one transaction. A dry run does the same
// work and rolls it back, so the counts it reports are exactly what a real run removes.
import type { Logger } from '../../log/logger.js';
import { planRetention, type RetentionPolicy, type RetentionRuleName } from '../retention.js';
import { checkpointTruncate } from '../checkpoint.js';
import { RETENTION_RULES, purgeOrphanContacts, type RetentionContext } from './retention-rules.js';

export interface RetentionReport {
  dryRun: boolean;
  at: string;
  rules: { rule: RetentionRuleName; days: number; cutoff: string; counts: Record<string, number> }[];
  orphanContacts: number;
  total: number;
}

class RollBack extends Error {
  readonly report: RetentionReport;

  constructor(report: RetentionReport) {
    super('dry run');
    this.report = report;
  }
}

export function runRetention(
  ctx: RetentionContext & { log?: Logger },
  policy: RetentionPolicy,
  options: { dryRun: boolean; now?: number; actor?: string },
): RetentionReport {
  const now = options.now ?? Date.now();
  const work = (): RetentionReport => {
    const rules = planRetention(policy, now).map((cut) => ({
      rule: cut.rule,
      days: cut.days,
      cutoff: new Date(cut.cutoff).toISOString(),
      counts: RETENTION_RULES[cut.rule](ctx, cut.cutoff),
    }));
    const orphanContacts = purgeOrphanContacts(ctx.db);
    const total = rules.reduce((n, r) => n + Object.values(r.counts).reduce((a, b) => a + b, 0), orphanContacts);
    const report: RetentionReport = { dryRun: options.dryRun, at: new Date(now).toISOString(), rules, orphanContacts, total };
    if (options.dryRun) throw new RollBack(report);
    if (total > 0) {
      ctx.audit.record({
        actor: options.actor ?? 'scheduler',
        action: 'retention.purged',
        detail: { rules: rules.map((r) => ({ rule: r.rule, days: r.days, counts: r.counts })), orphanContacts },
      });
    }
    return report;
  };
  let report: RetentionReport;
  try {
    report = ctx.db.transaction(work).immediate();
  } catch (err) {
    if (!(err instanceof RollBack)) throw err;
    return err.report;
  }
  if (report.total > 0) {
    checkpointTruncate(ctx.db);
    ctx.log?.info({ total: report.total, orphanContacts: report.orphanContacts }, 'retention purged expired data');
  }
  return report;
}
