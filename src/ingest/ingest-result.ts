// What ingesting one message came to; shared by the pipeline, its landing step and callers.
export type IngestOutcome =
  | 'ticket_created'
  | 'message_added'
  /** a delivery status report attached to the ticket of the message it reports on */
  | 'bounce_attached'
  | 'duplicate'
  | 'quarantined'
  /** machine mail held for review by the guard */
  | 'suppressed'
  /** deleted by an agent earlier: never imported again */
  | 'tombstoned'
  | 'skipped'
  | 'mailbox_gone'
  /** deleted from Gmail before it could be fetched */
  | 'message_gone'
  /** kept as a poison entry (raw bytes + error), replayable */
  | 'poisoned';

export interface IngestResult {
  outcome: IngestOutcome;
  ticketId?: number;
  messageId?: number;
  subject?: string;
  fromAddress?: string;
  direction?: 'inbound' | 'outbound';
  /** For `suppressed`: the guard class and the reason. */
  suppressed?: { guardClass: string; reason: string };
}
