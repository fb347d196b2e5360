// Attachments of the erased messages. Each row holds its own content today, so deleting the
// row frees it; a shared, de-duplicated content store adds a step after this one that
// frees content no remaining attachment references.
import { countOf, type EraseContext, type EraseStep } from '../erase-step.js';

const WHERE = 'message_id IN (SELECT id FROM temp.erase_message)';

export const attachmentsStep: EraseStep = {
  name: 'attachments',
  count: (ctx: EraseContext) => countOf(ctx.db, `SELECT COUNT(*) AS n FROM attachments WHERE ${WHERE}`),
  apply: (ctx: EraseContext) => ctx.db.prepare(`DELETE FROM attachments WHERE ${WHERE}`).run().changes,
};
