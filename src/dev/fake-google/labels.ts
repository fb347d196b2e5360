// Gmail's system labels (SPEC.md §3.6) and the label resource shape.

export interface Label {
  id: string;
  name: string;
  type: 'system' | 'user';
  messageListVisibility?: 'show' | 'hide';
  labelListVisibility?: 'labelShow' | 'labelShowIfUnread' | 'labelHide';
  color?: { textColor?: string; backgroundColor?: string };
}

const SYSTEM_IDS = [
  'CHAT',
  'SENT',
  'INBOX',
  'IMPORTANT',
  'TRASH',
  'DRAFT',
  'SPAM',
  'STARRED',
  'UNREAD',
  'CATEGORY_FORUMS',
  'CATEGORY_UPDATES',
  'CATEGORY_PERSONAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_SOCIAL',
] as const;

/** Visibility fields Gmail shows on the system labels that have them. */
const VISIBLE: Record<string, Pick<Label, 'messageListVisibility' | 'labelListVisibility'>> = {
  INBOX: { messageListVisibility: 'hide', labelListVisibility: 'labelShow' },
  SENT: { messageListVisibility: 'hide', labelListVisibility: 'labelShow' },
  SPAM: { messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  TRASH: { messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  STARRED: { messageListVisibility: 'hide', labelListVisibility: 'labelShow' },
  IMPORTANT: { messageListVisibility: 'hide', labelListVisibility: 'labelShow' },
  UNREAD: { messageListVisibility: 'hide', labelListVisibility: 'labelShow' },
};

export const SYSTEM_LABELS: readonly Label[] = SYSTEM_IDS.map((id) => ({
  id,
  name: id,
  type: 'system',
  ...VISIBLE[id],
}));
