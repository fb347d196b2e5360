// Wiring of the issue-15 HTTP parts (attachments, tombstoned deletes, suppressed mail review)
// from the core, kept out of daemon.ts so that file stays a list of start steps.
import type { Core } from './core.js';
import type { MailHttpDeps } from '../http/mail-deps.js';
import { AttachmentRepo } from '../store/attachment-repo.js';
import { releaseSuppressed } from '../ingest/release-suppressed.js';
import { inlineAnalyse } from '../ingest/analyse.js';

export function mailHttpDeps(core: Core): MailHttpDeps {
  const releaseDeps = {
    mailboxes: core.mailboxes,
    tickets: core.tickets,
    quarantine: core.quarantine,
    poison: core.poison,
    // Released or replayed machine mail is not judged again (it was held as machine mail, not as spam).
    analyse: inlineAnalyse(core.config.ingest, null),
    limits: core.config.ingest,
    log: core.log.child({ module: 'suppressed' }),
    mail: core.mail,
    audit: core.audit,
  };
  return {
    attachments: new AttachmentRepo(core.db),
    tombstones: core.mail.tombstones,
    suppressed: core.mail.suppressed,
    audit: core.audit,
    release: (id, mode, actor) => releaseSuppressed(releaseDeps, id, mode, actor),
  };
}
