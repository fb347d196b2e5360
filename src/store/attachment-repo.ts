// One attachment's bytes for the download route: from the SHA-256 blob store (written since
// migration 009) or the row itself (written before it).
import type { Db } from './database.js';

export interface AttachmentContent {
  id: number;
  filename: string;
  contentType: string;
  size: number;
  omittedReason: string | null;
  /** null when the content was not kept (over the cap). */
  content: Buffer | null;
}

export class AttachmentRepo {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  get(id: number): AttachmentContent | undefined {
    const r = this.db
      .prepare<[number], Record<string, unknown>>(
        `SELECT a.id, a.filename, a.content_type, a.size_bytes, a.omitted_reason, COALESCE(a.content, b.content) AS content
         FROM attachments a LEFT JOIN attachment_blobs b ON a.in_blob = 1 AND b.sha256 = a.sha256 WHERE a.id = ?`,
      )
      .get(id);
    if (!r) return undefined;
    return {
      id: r.id as number,
      filename: r.filename as string,
      contentType: r.content_type as string,
      size: r.size_bytes as number,
      omittedReason: (r.omitted_reason as string | null) ?? null,
      content: (r.content as Buffer | null) ?? null,
    };
  }
}
