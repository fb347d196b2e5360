// What the webhook, change-feed and ticket-status routes are handed by the daemon.
import type { Deliverer } from '../delivery/deliverer.js';
import type { UrlPolicy } from '../delivery/url-guard.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { TicketRepo } from '../store/ticket-repo.js';

export interface DeliveryHttpDeps {
  deliverer: Deliverer;
  audit: AuditRepo;
  tickets: TicketRepo;
  policy: UrlPolicy;
}
