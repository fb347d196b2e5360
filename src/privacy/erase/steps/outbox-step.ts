// Outbox events about the erased tickets and messages, delivered or pending: nothing is
// delivered about them afterwards (the privacy.erased event tells the helpdesk instead).
import { countOf, type EraseContext, type EraseStep } from '../erase-step.js';

const WHERE = `ticket_id IN (SELECT id FROM temp.erase_ticket) OR message_id IN (SELECT id FROM temp.erase_message)`;

export const outboxStep: EraseStep = {
  name: 'outboxEvents',
  count: (ctx: EraseContext) => countOf(ctx.db, `SELECT COUNT(*) AS n FROM outbox WHERE ${WHERE}`),
  apply: (ctx: EraseContext) => ctx.db.prepare(`DELETE FROM outbox WHERE ${WHERE}`).run().changes,
};
