// Other people's messages that name the person (in To/Cc, a quoted "... wrote:" line, a
// subject) keep their message but lose the address: it is replaced by "[erased]". So do the
// outbox events that copied such a message (webhook payloads, the change feed).
import type { EraseContext, EraseStep } from '../erase-step.js';

const COLUMNS = ['to_json', 'cc_json', 'text_body', 'html_body', 'subject', 'from_name', 'references_header', 'in_reply_to'] as const;
const TICKET_COLUMNS = ['subject'] as const;
const OUTBOX_ERASED =
  '(SELECT id FROM outbox WHERE ticket_id IN (SELECT id FROM temp.erase_ticket) OR message_id IN (SELECT id FROM temp.erase_message) OR quarantine_id IN (SELECT id FROM temp.erase_quarantine))';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rows in `skip` (a subquery of the erased ones) are not counted: the dry run must count what the real run changes. */
function redactTable(ctx: EraseContext, table: string, columns: readonly string[], skip: string, dryRun: boolean): number {
  const hit = columns.map((c) => `instr(lower(COALESCE(${c}, '')), @email) > 0`).join(' OR ');
  const rows = ctx.db
    .prepare<[{ email: string }], Record<string, unknown>>(
      `SELECT id, ${columns.join(', ')} FROM ${table} WHERE (${hit}) AND id NOT IN ${skip}`,
    )
    .all({ email: ctx.email });
  if (dryRun) return rows.length;
  const pattern = new RegExp(escapeRegExp(ctx.email), 'gi');
  const update = ctx.db.prepare(`UPDATE ${table} SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`);
  for (const row of rows) {
    const next: Record<string, unknown> = { id: row.id };
    for (const c of columns) {
      const value = row[c];
      next[c] = typeof value === 'string' ? value.replace(pattern, '[erased]') : value;
    }
    update.run(next);
  }
  return rows.length;
}

export const mentionsStep: EraseStep = {
  name: 'mentionsRedacted',
  count: (ctx) => redact(ctx, true),
  apply: (ctx) => redact(ctx, false),
};

function redact(ctx: EraseContext, dryRun: boolean): number {
  return (
    redactTable(ctx, 'messages', COLUMNS, '(SELECT id FROM temp.erase_message)', dryRun) +
    redactTable(ctx, 'tickets', TICKET_COLUMNS, '(SELECT id FROM temp.erase_ticket)', dryRun)
  );
}

/** Events whose payload copied a message naming the person; those of erased tickets are deleted by the outbox step. */
export const eventMentionsStep: EraseStep = {
  name: 'eventMentionsRedacted',
  count: (ctx) => redactTable(ctx, 'outbox', ['payload'], OUTBOX_ERASED, true),
  apply: (ctx) => redactTable(ctx, 'outbox', ['payload'], OUTBOX_ERASED, false),
};
