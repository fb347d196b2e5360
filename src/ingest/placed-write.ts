// The ingest steps after a placement said "not a ticket": storing suppressed mail with its
// reason, and adopting the team's sent mail that arrived before its thread had a ticket
// (a full sync lists newest first, so a reply can come before the mail it answers).
import type { Mailbox } from '../store/mailbox-repo.js';
import type { GuardFinding } from './guard/machine-mail.js';
import type { ParseLimits } from './parse/parse-mail.js';
import { OUTBOUND_PENDING, type MailHandling, type MessageContext } from './mail-handling.js';
import { parseMail } from './parse/parse-mail.js';

export interface SuppressedResult {
  outcome: 'duplicate' | 'suppressed';
  subject: string;
  fromAddress: string;
  suppressed: { guardClass: string; reason: string };
}

export function suppressedResult(
  mail: MailHandling,
  c: MessageContext,
  finding: Pick<GuardFinding, 'reason'> & { class: string },
): SuppressedResult {
  const { duplicate } = mail.suppress(c, finding);
  return {
    outcome: duplicate ? 'duplicate' : 'suppressed',
    subject: c.parsed.subject,
    fromAddress: c.parsed.from?.address ?? '',
    suppressed: { guardClass: finding.class, reason: finding.reason },
  };
}

export async function adoptPendingOutbound(
  mail: MailHandling,
  limits: ParseLimits,
  mailbox: Mailbox,
  providerThreadId: string,
  replay: (c: MessageContext) => Promise<unknown>,
): Promise<void> {
  for (const id of mail.pendingOutbound(mailbox.id, providerThreadId)) {
    const entry = mail.suppressed.get(id);
    if (!entry || entry.guardClass !== OUTBOUND_PENDING) continue;
    const parsed = await parseMail(entry.raw, limits);
    // The entry goes first so the write below is not refused as "already held".
    mail.suppressed.remove(id);
    const fetched = { raw: entry.raw, threadId: entry.providerThreadId, labelIds: entry.labelIds, internalDate: entry.internalDate };
    await replay({ mailbox, providerMessageId: entry.providerMessageId, fetched, parsed });
  }
}
