// Embedded-queue jobs (SQLite `jobs`) that reference the person: pending ingest jobs of the
// erased messages, and any job whose payload or last error names the address. A completed
// ingest job holds only ids and is kept, so a later full resync does not fetch the erased mail
// again. (The BullMQ driver keeps jobs in Redis; its step belongs with that driver.)
import { countOf, type EraseContext, type EraseStep } from '../erase-step.js';

const WHERE = `(state != 'completed' AND id IN (SELECT 'ingest:' || mailbox_id || ':' || provider_message_id FROM messages
     WHERE id IN (SELECT id FROM temp.erase_message)
     UNION SELECT 'ingest:' || mailbox_id || ':' || provider_message_id FROM quarantine WHERE id IN (SELECT id FROM temp.erase_quarantine)))
  OR instr(lower(payload), @email) > 0 OR instr(lower(COALESCE(last_error, '')), @email) > 0`;

export const queueJobsStep: EraseStep = {
  name: 'queueJobs',
  count: (ctx: EraseContext) => countOf(ctx.db, `SELECT COUNT(*) AS n FROM jobs WHERE ${WHERE}`, { email: ctx.email }),
  apply: (ctx: EraseContext) => ctx.db.prepare(`DELETE FROM jobs WHERE ${WHERE}`).run({ email: ctx.email }).changes,
};
