// Poison entries (mail that could be stored neither as a ticket nor in quarantine) naming the
// person anywhere in their raw bytes: nothing else of them could be read, so the bytes decide.
import { countOf, type EraseContext, type EraseStep } from '../erase-step.js';

const MATCH = 'FROM poison_messages WHERE instr(lower(CAST(raw AS TEXT)), @email) > 0';

export const poisonStep: EraseStep = {
  name: 'poison',
  count: (ctx: EraseContext) => countOf(ctx.db, `SELECT COUNT(*) AS n ${MATCH}`, { email: ctx.email }),
  apply: (ctx: EraseContext) => ctx.db.prepare(`DELETE ${MATCH}`).run({ email: ctx.email }).changes,
};
