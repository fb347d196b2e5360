// Wiring of the sync features the HTTP layer and CLI reach Gmail through (the backfill
// preview), built from the core so daemon.ts only names them.
import type { Core } from './core.js';
import type { SyncHttpDeps } from '../http/sync-deps.js';
import { previewBackfill } from '../sync/backfill-preview.js';
import { FilterSpamCheck } from '../ingest/filter-spam-check.js';

export function buildSyncHttpDeps(core: Core): SyncHttpDeps {
  const { config } = core;
  return {
    preview: (mailbox, choice) =>
      previewBackfill(
        {
          api: core.sources.apiFor(mailbox),
          scope: { labels: config.sync.labels, spam: config.sync.spamLabel },
          spam: config.spam.enabled ? new FilterSpamCheck(core.spam, config.ingest.maxMessageBytes) : null,
          limits: config.ingest,
          sampleSize: config.sync.previewSample,
          maxPages: 200,
        },
        choice,
      ),
  };
}
