// The audit log: who did what to which object. Personal data is never written here: the
// subject is an id or a keyed hash of an address, so erasure does not have to touch it.
import type { Db } from './database.js';

export interface AuditEntry {
  actor: string;
  action: string;
  subjectRef?: string | null;
  detail?: Record<string, unknown>;
}

export class AuditRepo {
  private readonly insert;
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
    this.insert = db.prepare('INSERT INTO audit_log (at, actor, action, subject_ref, detail) VALUES (?, ?, ?, ?, ?)');
  }

  record(entry: AuditEntry): void {
    this.insert.run(Date.now(), entry.actor, entry.action, entry.subjectRef ?? null, entry.detail ? JSON.stringify(entry.detail) : null);
  }

  recent(limit: number): { at: string; actor: string; action: string; subjectRef: string | null; detail: unknown }[] {
    return this.db
      .prepare<[number], Record<string, unknown>>('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?')
      .all(limit)
      .map((r) => ({
        at: new Date(r.at as number).toISOString(),
        actor: r.actor as string,
        action: r.action as string,
        subjectRef: r.subject_ref as string | null,
        detail: r.detail ? (JSON.parse(r.detail as string) as unknown) : null,
      }));
  }
}
