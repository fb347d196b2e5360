// The spam model forgets what it learned from the erased messages and quarantined mail
// (runs first: the doc keys are built from rows the later steps delete).
import { spamDocKey } from '../../../ingest/filter-spam-check.js';
import type { EraseContext, EraseStep } from '../erase-step.js';

function docKeys(ctx: EraseContext): string[] {
  return ctx.db
    .prepare<[], { mailbox_id: number; provider_message_id: string }>(
      `SELECT mailbox_id, provider_message_id FROM messages WHERE id IN (SELECT id FROM temp.erase_message)
       UNION SELECT mailbox_id, provider_message_id FROM quarantine WHERE id IN (SELECT id FROM temp.erase_quarantine)`,
    )
    .all()
    .map((r) => spamDocKey(r.mailbox_id, r.provider_message_id));
}

const trained = (ctx: EraseContext, keys: string[]): string[] => {
  const stmt = ctx.db.prepare('SELECT 1 FROM spam_docs WHERE doc_key = ?');
  return keys.filter((k) => stmt.get(k) !== undefined);
};

export const spamLearningStep: EraseStep = {
  name: 'spamLearned',
  count: (ctx) => trained(ctx, docKeys(ctx)).length,
  apply: (ctx) => docKeys(ctx).filter((k) => ctx.unlearn(k)).length,
};
