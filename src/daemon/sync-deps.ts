// What a sync pass needs, built once for the daemon's scheduler and `intake mailbox sync`.
import type { Core } from './core.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { SyncDeps } from '../sync/sync-mailbox.js';

/** Pages of changes one pass lists at most before it yields to other mailboxes. */
const MAX_PAGES_PER_PASS = 20;

export function syncDepsOf(core: Core, metrics: Metrics, log: Logger): SyncDeps {
  return {
    mailboxes: core.mailboxes,
    queue: core.queue,
    sourceFor: (m) => core.sources.sourceFor(m),
    log,
    metrics,
    enqueueTimeoutMs: core.config.sync.enqueueTimeoutMs,
    maxPagesPerPass: MAX_PAGES_PER_PASS,
    landed: { tickets: core.tickets, quarantine: core.quarantine, mail: core.mail, poison: core.poison },
  };
}
