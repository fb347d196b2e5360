// The erased tickets (their messages are gone by now; the FK cascade would take them anyway).
import { countOf, type EraseContext, type EraseStep } from '../erase-step.js';

export const ticketsStep: EraseStep = {
  name: 'tickets',
  count: (ctx: EraseContext) => countOf(ctx.db, 'SELECT COUNT(*) AS n FROM temp.erase_ticket'),
  apply: (ctx: EraseContext) => ctx.db.prepare('DELETE FROM tickets WHERE id IN (SELECT id FROM temp.erase_ticket)').run().changes,
};
