// Builds SpamInput values for unit tests without parsing mail.
import type { SpamInput } from '../../../src/spam/spam-input.js';

export function spamInput(overrides: Partial<SpamInput> & { headerList?: [string, string][] } = {}): SpamInput {
  const { headerList = [], ...rest } = overrides;
  const headers = new Map<string, string[]>();
  for (const [k, v] of headerList) headers.set(k, [...(headers.get(k) ?? []), v]);
  return { subject: '', text: '', html: '', headers, from: 'a@example.com', replyTo: null, labelIds: [], attachmentTypes: [], ...rest };
}
