// One trace id per message, derived from the mailbox and the provider's message id, so the
// sync pass, the ingest job, the stored message, its events and deliveries all name the same
// id without passing it along (a re-listed message gets the same one). W3C trace-id form.
import { createHash } from 'node:crypto';

export function traceIdFor(mailboxId: number, providerMessageId: string): string {
  return createHash('sha256').update(`intake-trace:${mailboxId}:${providerMessageId}`).digest('hex').slice(0, 32);
}
