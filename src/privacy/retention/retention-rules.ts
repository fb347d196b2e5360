// One purge per retention rule, each a small SQL shell around a cut-off from
// privacy/retention.ts. A table family that adds data with a lifetime adds its rule here.
import type { Db } from '../../store/database.js';
import type { AuditRepo } from '../../store/audit-repo.js';
import type { RetentionRuleName } from '../retention.js';

export interface RetentionContext {
  db: Db;
  audit: AuditRepo;
  /** Unlearns what the spam model learned from a mailbox's mail (review/forget-mailbox-learning.ts). */
  forgetMailboxLearning: (mailboxId: number) => number;
}

/** Purges rows older than `cutoff`; returns counts by kind (e.g. tickets, messages). */
export type RetentionPurge = (ctx: RetentionContext, cutoff: number) => Record<string, number>;

const count = (db: Db, sql: string, ...p: unknown[]): number => db.prepare<unknown[], { n: number }>(sql).get(...p)?.n ?? 0;

const closedTickets: RetentionPurge = ({ db }, cutoff) => {
  const where = "status = 'closed' AND updated_at < ?";
  const messages = count(db, `SELECT COUNT(*) AS n FROM messages WHERE ticket_id IN (SELECT id FROM tickets WHERE ${where})`, cutoff);
  // Messages, attachments and outbox events go with their ticket (ON DELETE CASCADE).
  const tickets = db.prepare(`DELETE FROM tickets WHERE ${where}`).run(cutoff).changes;
  return { tickets, messages };
};

const quarantine: RetentionPurge = ({ db }, cutoff) => ({
  quarantined: db.prepare('DELETE FROM quarantine WHERE created_at < ?').run(cutoff).changes,
});

const audit: RetentionPurge = (ctx, cutoff) => ({ auditEntries: ctx.audit.purgeOlderThan(cutoff) });

const disconnectedMailboxes: RetentionPurge = (ctx, cutoff) => {
  const { db } = ctx;
  const ids = db
    .prepare<[number], { id: number }>("SELECT id FROM mailboxes WHERE state = 'disconnected' AND updated_at < ?")
    .all(cutoff)
    .map((r) => r.id);
  let tickets = 0;
  for (const id of ids) {
    ctx.forgetMailboxLearning(id);
    tickets += count(db, 'SELECT COUNT(*) AS n FROM tickets WHERE mailbox_id = ?', id);
    db.prepare('DELETE FROM jobs WHERE mailbox_id = ? OR id LIKE ?').run(id, `ingest:${id}:%`);
    // Cascades to sync state, tickets, messages, attachments, quarantine and outbox rows.
    db.prepare('DELETE FROM mailboxes WHERE id = ?').run(id);
  }
  return { mailboxes: ids.length, mailboxTickets: tickets };
};

/** Machine mail the ingest guard held back (migration 009), raw bytes included. */
const suppressed: RetentionPurge = ({ db }, cutoff) => ({
  suppressed: db.prepare('DELETE FROM suppressed WHERE created_at < ?').run(cutoff).changes,
});

export const RETENTION_RULES: Record<RetentionRuleName, RetentionPurge> = {
  closedTickets,
  quarantine,
  suppressed,
  audit,
  disconnectedMailboxes,
};

/** Contacts no ticket or message points at any more: run after every rule. */
export function purgeOrphanContacts(db: Db): number {
  return db
    .prepare(
      `DELETE FROM contacts WHERE id NOT IN (SELECT requester_contact_id FROM tickets WHERE requester_contact_id IS NOT NULL)
       AND id NOT IN (SELECT from_contact_id FROM messages WHERE from_contact_id IS NOT NULL)`,
    )
    .run().changes;
}
