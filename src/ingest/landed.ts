// Where a message already landed, if it did: a ticket message or a quarantine entry, a
// tombstone (an agent deleted it), a suppressed entry (machine mail) or a poison entry. Ingest
// asks before it fetches; a sync pass asks before it queues, so a relist (history expired,
// Redis lost its jobs) costs no job and, on a remote worker, no Gmail fetch. One list of
// places, so the two never disagree about what "already landed" means.
import type { TicketRepo } from '../store/ticket-repo.js';
import type { QuarantineRepo } from '../store/quarantine-repo.js';
import type { PoisonRepo } from '../store/poison-repo.js';
import type { MailHandling } from './mail-handling.js';

export type Landed = 'stored' | 'tombstoned' | 'suppressed' | 'poison';

export interface LandedLookups {
  tickets: Pick<TicketRepo, 'hasMessage'>;
  quarantine: Pick<QuarantineRepo, 'has'>;
  mail: Pick<MailHandling, 'alreadyHandled'>;
  poison: Pick<PoisonRepo, 'has'>;
}

/** Each a lookup by (mailbox, provider message id) on an index, cheapest and commonest first. */
export function landedAs(l: LandedLookups, mailboxId: number, providerMessageId: string): Landed | null {
  if (l.tickets.hasMessage(mailboxId, providerMessageId) || l.quarantine.has(mailboxId, providerMessageId)) return 'stored';
  const handled = l.mail.alreadyHandled(mailboxId, providerMessageId);
  if (handled) return handled;
  return l.poison.has(mailboxId, providerMessageId) ? 'poison' : null;
}
