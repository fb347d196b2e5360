// The JSON body a webhook receiver gets for one event: the change feed's event without its
// feed cursor (a position in this installation's outbox, meaningless to a receiver).
import type { EventRow, IntakeEvent } from '../store/event-repo.js';

export function eventBody(event: IntakeEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    createdAt: event.createdAt,
    sequence: event.sequence,
    traceId: event.traceId,
    data: event.data,
  });
}

/**
 * The same body built straight from the stored outbox row: its payload is the JSON.stringify
 * of the event's data (EventRepo writes it so), so it is spliced in as it is instead of being
 * parsed and serialised again for every delivery.
 */
export function eventBodyOfRow(row: EventRow): string {
  return (
    `{"id":${JSON.stringify(row.event_id)},"type":${JSON.stringify(row.event)},` +
    `"createdAt":${JSON.stringify(new Date(row.created_at).toISOString())},"sequence":${JSON.stringify(row.ticket_seq)},` +
    `"traceId":${JSON.stringify(row.trace_id)},"data":${row.payload}}`
  );
}
