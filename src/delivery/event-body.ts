// The JSON body a webhook receiver gets for one event: the change feed's event without its
// feed cursor (a position in this installation's outbox, meaningless to a receiver).
import type { IntakeEvent } from '../store/event-repo.js';

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
