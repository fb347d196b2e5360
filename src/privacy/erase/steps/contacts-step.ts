// The person's contact row (tickets and messages that pointed at it are gone or refitted).
import { countOf, type EraseContext, type EraseStep } from '../erase-step.js';

export const contactsStep: EraseStep = {
  name: 'contacts',
  count: (ctx: EraseContext) => countOf(ctx.db, 'SELECT COUNT(*) AS n FROM contacts WHERE email = ?', ctx.email),
  apply: (ctx: EraseContext) => ctx.db.prepare('DELETE FROM contacts WHERE email = ?').run(ctx.email).changes,
};
