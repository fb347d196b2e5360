// What ingesting one message came to; shared by the pipeline, its landing step and callers.
export type IngestOutcome =
  | 'ticket_created'
  | 'message_added'
  | 'duplicate'
  | 'quarantined'
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
}
