// Machine mail held for review (issue 15's suppressed list) from the person or naming them:
// the same rule as quarantine (sender, raw bytes, subject), since both keep whole raw messages.
import { countOf, type EraseContext, type EraseStep } from '../erase-step.js';

const MATCH = `FROM suppressed WHERE lower(from_address) = @email OR instr(lower(CAST(raw AS TEXT)), @email) > 0
  OR instr(lower(subject), @email) > 0`;

export const suppressedStep: EraseStep = {
  name: 'suppressed',
  count: (ctx: EraseContext) => countOf(ctx.db, `SELECT COUNT(*) AS n ${MATCH}`, { email: ctx.email }),
  apply: (ctx: EraseContext) => ctx.db.prepare(`DELETE ${MATCH}`).run({ email: ctx.email }).changes,
};
