// Which Gmail messages are not customer mail at all: drafts, chats, and mail the mailbox
// itself sent that never reached its inbox. Pure, so the rule is tested on its own.

export function skipReason(labelIds: readonly string[]): string | null {
  if (labelIds.includes('DRAFT')) return 'draft';
  if (labelIds.includes('CHAT')) return 'chat';
  if (labelIds.includes('SENT') && !labelIds.includes('INBOX')) return 'sent by the mailbox';
  return null;
}
