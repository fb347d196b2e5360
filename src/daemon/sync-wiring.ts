// Wiring of the sync features the HTTP layer and CLI reach Gmail through (the backfill
// preview), built from the core so daemon.ts only names them.
import type { Core } from './core.js';
import type { SyncHttpDeps } from '../http/sync-deps.js';
import { previewBackfill } from '../sync/backfill-preview.js';
import { buildAnalyse } from './analyse-wiring.js';

export function buildSyncHttpDeps(core: Core): SyncHttpDeps {
  const { config } = core;
  // The sample is parsed and judged as ingest does it: in worker threads (started on the first
  // preview, stopped when idle), so a hostile sampled message never costs the HTTP thread memory.
  const analyse = buildAnalyse(core);
  return {
    preview: (mailbox, choice) =>
      previewBackfill(
        {
          api: core.sources.apiFor(mailbox),
          scope: { labels: config.sync.labels, spam: config.sync.spamLabel },
          analyse,
          sampleSize: config.sync.previewSample,
          maxPages: 200,
        },
        choice,
      ),
  };
}
