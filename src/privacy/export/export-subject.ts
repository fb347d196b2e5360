// Access and portability: everything Intake holds about one address, as a tar archive with
// `subject.json` (tickets, messages, attachment metadata, quarantine, audit entries about
// them) and the attachment and quarantined-message bytes beside it. Format: docs/privacy.md.
import type { Db } from '../../store/database.js';
import type { AuditRepo, AuditView } from '../../store/audit-repo.js';
import type { SubjectRefFn } from '../../crypto/subject-ref.js';
import { normalizeSubjectEmail } from '../erase-subject.js';
import { safeEntryName, writeTar, type TarEntry } from './tar-writer.js';

export const EXPORT_FORMAT = 'intake-subject-export';
export const EXPORT_VERSION = 1;

export interface ExportDeps {
  db: Db;
  audit: AuditRepo;
  subjectRef: SubjectRefFn;
}

type Row = Record<string, unknown>;
const iso = (ms: unknown): string | null => (typeof ms === 'number' ? new Date(ms).toISOString() : null);
const json = (v: unknown): unknown => (typeof v === 'string' && v ? (JSON.parse(v) as unknown) : null);

/** Messages from, to or copied to the address, and every message of a ticket they requested. */
function messageRows(db: Db, email: string): Row[] {
  const like = `%"${email.replace(/[%_]/g, (c) => `\\${c}`)}"%`;
  return db
    .prepare<[{ email: string; like: string }], Row>(
      `SELECT m.* FROM messages m WHERE lower(m.from_address) = @email
         OR lower(m.to_json) LIKE @like ESCAPE '\\' OR lower(m.cc_json) LIKE @like ESCAPE '\\'
         OR m.ticket_id IN (SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.requester_contact_id WHERE c.email = @email)
       ORDER BY m.id`,
    )
    .all({ email, like });
}

function messageView(m: Row, attachments: Row[]) {
  return {
    id: m.id,
    ticketId: m.ticket_id,
    mailboxId: m.mailbox_id,
    providerMessageId: m.provider_message_id,
    messageIdHeader: m.message_id_header,
    from: { address: m.from_address, name: m.from_name },
    to: json(m.to_json),
    cc: json(m.cc_json),
    subject: m.subject,
    sentAt: iso(m.sent_at),
    receivedAt: iso(m.received_at),
    text: m.text_body,
    html: m.html_body,
    spam: { verdict: m.spam_verdict, score: m.spam_score },
    attachments: attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      contentType: a.content_type,
      sizeBytes: a.size_bytes,
      sha256: a.sha256,
      omittedReason: a.omitted_reason,
      file: a.content ? attachmentEntryName(a) : null,
    })),
  };
}

const attachmentEntryName = (a: Row): string => safeEntryName(`attachments/${String(a.id)}-`, String(a.filename));

export interface SubjectExport {
  document: Record<string, unknown>;
  archive: Buffer;
}

export function exportSubject(deps: ExportDeps, rawEmail: string, now = new Date()): SubjectExport {
  const email = normalizeSubjectEmail(rawEmail);
  const { db } = deps;
  const files: TarEntry[] = [];
  const read = db.transaction(() => {
    const contacts = db.prepare<[string], Row>('SELECT id, email, name, created_at FROM contacts WHERE email = ?').all(email);
    const messages = messageRows(db, email);
    const attachmentsOf = db.prepare<[unknown], Row>(
      // Bytes stored once per SHA-256 since migration 009 live in attachment_blobs.
      `SELECT a.*, COALESCE(a.content, b.content) AS content FROM attachments a
       LEFT JOIN attachment_blobs b ON a.in_blob = 1 AND b.sha256 = a.sha256 WHERE a.message_id = ? ORDER BY a.id`,
    );
    const ticketIds = [...new Set(messages.map((m) => m.ticket_id as number))];
    const ticketOf = db.prepare<[number], Row>('SELECT * FROM tickets WHERE id = ?');
    const tickets = ticketIds.map((id) => {
      const t = ticketOf.get(id) as Row;
      const own = messages.filter((m) => m.ticket_id === id);
      return {
        id: t.id,
        mailboxId: t.mailbox_id,
        subject: t.subject,
        status: t.status,
        requestedByThisAddress: contacts.some((c) => c.id === t.requester_contact_id),
        createdAt: iso(t.created_at),
        updatedAt: iso(t.updated_at),
        messages: own.map((m) => {
          const atts = attachmentsOf.all(m.id);
          for (const a of atts) if (a.content) files.push({ name: attachmentEntryName(a), data: a.content as Buffer, mtime: now });
          return messageView(m, atts);
        }),
      };
    });
    const quarantine = db
      .prepare<[{ email: string }], Row>(
        `SELECT * FROM quarantine WHERE lower(from_address) = @email OR instr(lower(CAST(raw AS TEXT)), @email) > 0 OR instr(lower(subject), @email) > 0
         ORDER BY id`,
      )
      .all({ email })
      .map((q) => {
        const file = `quarantine/${String(q.id)}.eml`;
        files.push({ name: file, data: q.raw as Buffer, mtime: now });
        return {
          id: q.id,
          mailboxId: q.mailbox_id,
          from: q.from_address,
          subject: q.subject,
          reason: q.reason,
          score: q.spam_score,
          heldAt: iso(q.created_at),
          releasedAt: iso(q.released_at),
          file,
        };
      });
    const refs = [
      deps.subjectRef(email),
      ...tickets.map((t) => `ticket:${String(t.id)}`),
      ...messages.map((m) => `message:${String(m.id)}`),
      ...quarantine.map((q) => `quarantine:${String(q.id)}`),
    ];
    const audit: AuditView[] = deps.audit.about(refs);
    return {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: now.toISOString(),
      subject: { email, subjectRef: deps.subjectRef(email) },
      contacts: contacts.map((c) => ({ id: c.id, email: c.email, name: c.name, firstSeenAt: iso(c.created_at) })),
      tickets,
      quarantine,
      audit,
    };
  });
  const document = read.deferred();
  const archive = writeTar([{ name: 'subject.json', data: Buffer.from(`${JSON.stringify(document, null, 2)}\n`), mtime: now }, ...files]);
  return { document, archive };
}
