// What the HTTP layer is handed to reach Gmail for sync features (the backfill preview);
// apart from the routes so http-deps.ts can name it without an import cycle.
import type { Mailbox } from '../store/mailbox-repo.js';
import type { BackfillChoice } from '../sync/backfill-choice.js';
import type { BackfillPreview } from '../sync/backfill-preview.js';

export interface SyncHttpDeps {
  preview(mailbox: Mailbox, choice: BackfillChoice): Promise<BackfillPreview>;
}
