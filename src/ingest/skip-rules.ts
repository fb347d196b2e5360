// Which Gmail messages are not mail at all for a ticket: drafts and chats. Mail the mailbox
// itself sent (SENT) is not skipped: it is the team's side of a ticket's conversation.
// Pure, so the rule is tested on its own.

export function skipReason(labelIds: readonly string[]): string | null {
  if (labelIds.includes('DRAFT')) return 'draft';
  if (labelIds.includes('CHAT')) return 'chat';
  return null;
}
