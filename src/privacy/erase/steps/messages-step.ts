// The erased messages, then what the tickets they leave behind (scope "messages") took from
// them: message count, subject and requester follow the earliest remaining message.
import { countOf, type EraseContext, type EraseStep } from '../erase-step.js';

export const messagesStep: EraseStep = {
  name: 'messages',
  count: (ctx: EraseContext) => countOf(ctx.db, 'SELECT COUNT(*) AS n FROM temp.erase_message'),
  apply: (ctx: EraseContext) => {
    const touched = ctx.db
      .prepare<[], { ticket_id: number }>(
        `SELECT DISTINCT ticket_id FROM messages WHERE id IN (SELECT id FROM temp.erase_message)
         AND ticket_id NOT IN (SELECT id FROM temp.erase_ticket)`,
      )
      .all()
      .map((r) => r.ticket_id);
    const removed = ctx.db.prepare('DELETE FROM messages WHERE id IN (SELECT id FROM temp.erase_message)').run().changes;
    const refit = ctx.db.prepare(
      `UPDATE tickets SET message_count = (SELECT COUNT(*) FROM messages WHERE ticket_id = @ticket),
         subject = COALESCE((SELECT subject FROM messages WHERE ticket_id = @ticket ORDER BY received_at, id LIMIT 1), ''),
         requester_contact_id = (SELECT from_contact_id FROM messages WHERE ticket_id = @ticket ORDER BY received_at, id LIMIT 1)
       WHERE id = @ticket`,
    );
    for (const id of touched) refit.run({ ticket: id });
    return removed;
  },
};
