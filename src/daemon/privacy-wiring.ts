// Builds the privacy service (erase, export, retention, audit) from the core, and the
// scheduled retention and backup passes the daemon runs.
import type { Core } from './core.js';
import { PrivacyService } from '../privacy/privacy-service.js';
import { forgetLearned, forgetMailboxLearning } from '../review/forget-mailbox-learning.js';
import { scheduledBackup } from '../backup/backup-rotation.js';
import { backupKeys, sealingKey } from '../backup/backup-keys.js';

export function buildPrivacyService(core: Core): PrivacyService {
  return new PrivacyService({
    db: core.db,
    audit: core.audit,
    subjectRef: core.subjectRef,
    log: core.log.child({ module: 'privacy' }),
    policy: core.config.retention,
    unlearn: (key) => forgetLearned(core.spam, key),
    forgetMailboxLearning: (id) => forgetMailboxLearning(core.db, core.spam, id),
    // The core's queue in every process, the CLI's too: with the bullmq driver it reaches Redis through queue.redisUrl.
    queue: core.queue,
  });
}

function every(core: Core, name: string, hours: number, runNow: boolean, run: () => Promise<void> | void): void {
  const tick = () => {
    Promise.resolve()
      .then(run)
      .catch((err: unknown) => core.log.error({ err }, `${name} failed`));
  };
  const timer = setInterval(tick, hours * 3_600_000);
  timer.unref();
  core.steps.add(name, () => clearInterval(timer));
  if (runNow) tick();
}

export function startRetention(core: Core, privacy: PrivacyService): void {
  every(core, 'retention', core.config.retention.intervalHours, true, () => {
    privacy.retention({ dryRun: false, actor: 'scheduler' });
  });
}

export function startBackups(core: Core): void {
  const { dir, intervalHours, keep } = core.config.backup;
  if (!dir) return;
  const key = sealingKey(backupKeys(core.config));
  every(core, 'backups', intervalHours, false, async () => {
    const { summary, deleted } = await scheduledBackup(core.db, dir, keep, key);
    core.audit.record({
      actor: 'scheduler',
      action: 'backup.created',
      detail: { bytes: summary.bytes, keyId: summary.header.keyId, rotated: deleted.length },
    });
    core.log.info({ file: summary.file, bytes: summary.bytes, rotated: deleted.length }, 'backup written');
  });
}
