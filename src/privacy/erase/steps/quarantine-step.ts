// Quarantined mail from the person or naming them (raw bytes, subject, sender).
import { countOf, type EraseContext, type EraseStep } from '../erase-step.js';

export const quarantineStep: EraseStep = {
  name: 'quarantined',
  count: (ctx: EraseContext) => countOf(ctx.db, 'SELECT COUNT(*) AS n FROM temp.erase_quarantine'),
  apply: (ctx: EraseContext) => ctx.db.prepare('DELETE FROM quarantine WHERE id IN (SELECT id FROM temp.erase_quarantine)').run().changes,
};
