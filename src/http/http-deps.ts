// Everything the HTTP layer is handed by the daemon. The server builds no part itself,
// so tests can build it around a real store with inject() and no listening socket.
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { MailboxRepo } from '../store/mailbox-repo.js';
import type { TicketQuery } from '../store/ticket-query.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { MailboxConnector } from '../mailboxes/mailbox-connector.js';
import type { ImapAccountInput, ImapConnectResult } from '../mailboxes/imap-account-connect.js';
import type { Db } from '../store/database.js';
import type { TokenVerifier } from './api-auth.js';
import type { AdminDeps } from './admin/admin-deps.js';
import type { ReviewHttpDeps } from './review-deps.js';
import type { DeliveryHttpDeps } from './delivery-deps.js';
import type { SyncHttpDeps } from './sync-deps.js';
import type { MailHttpDeps } from './mail-deps.js';
import type { DeadLetterDeps } from '../jobs/dead-letters.js';
import type { PrivacyService } from '../privacy/privacy-service.js';
import type { PushHttpDeps } from './push-deps.js';

export interface HttpDeps {
  log: Logger;
  db: Db;
  metrics: Metrics;
  mailboxes: MailboxRepo;
  tickets: TicketQuery;
  queue: JobQueue;
  connector: MailboxConnector;
  verifyToken: TokenVerifier;
  pollIntervalSeconds: number;
  isShuttingDown: () => boolean;
  /** True until the workers run (the starter spam model may still be training). */
  isStarting: () => boolean;
  /** Asks the scheduler to sync a mailbox now (after connect). */
  syncNow: (mailboxId: number) => void;
  disconnect: (mailboxId: number, options: { deleteTickets: boolean; actor: string }) => Promise<{ revoked: boolean }>;
  /** Adds an IMAP mailbox that signs in with a password (checked first); without it the route answers 404. */
  addImap?: (input: ImapAccountInput, actor: string) => Promise<ImapConnectResult>;
  /** The admin page and token API; without it only the REST API with INTAKE_API_TOKEN is served. */
  admin?: AdminDeps;
  /** Spam verdicts and the quarantine; without it those routes are not served. */
  review?: ReviewHttpDeps;
  /** Webhooks, the change feed and ticket status; without it those routes are not served. */
  delivery?: DeliveryHttpDeps;
  /** Backfill preview (reaches Gmail); without it the preview routes are not served. */
  sync?: SyncHttpDeps;
  /** sync.backfill and sync.previewFirst, shown as the connect form's defaults. */
  backfillDefaults?: { defaultChoice: string; previewFirst: boolean };
  /** Attachments, deletion with tombstones, suppressed machine mail; without it those routes are not served. */
  mail?: MailHttpDeps;
  /** Failed jobs and poison entries (GET /api/jobs/failed, replay); without it those routes are not served. */
  deadLetters?: DeadLetterDeps;
  /** Erase, export, retention and the audit trail; without it those routes are not served. */
  privacy?: PrivacyService;
  /** Gmail push (POST /push/gmail); without it (google.push.enabled false) the route is not served. */
  push?: PushHttpDeps;
  /** Names the API token behind a request for the audit log (api_token:<id>). */
  tokenActor?: (token: string) => string;
}
