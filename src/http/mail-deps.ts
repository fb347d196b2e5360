// What the issue-15 routes are handed: attachment bytes, deletion with tombstones, the
// suppressed machine-mail list and its release/replay.
import type { AttachmentRepo } from '../store/attachment-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { SuppressedRepo } from '../store/suppressed-repo.js';
import type { TombstoneRepo } from '../store/tombstone-repo.js';
import type { IngestResult } from '../ingest/ingest-message.js';
import type { ReleaseMode } from '../ingest/release-suppressed.js';

export interface MailHttpDeps {
  attachments: AttachmentRepo;
  tombstones: TombstoneRepo;
  suppressed: SuppressedRepo;
  audit: AuditRepo;
  release: (id: number, mode: ReleaseMode, actor: string) => Promise<IngestResult>;
}
