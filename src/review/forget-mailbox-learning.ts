// When a mailbox is deleted with its mail, the spam model forgets what it learned from that
// mail: Limited Use says the model is erased with the data it learned from.
import type { Db } from '../store/database.js';
import type { SpamFilter } from '../spam/spam-filter.js';

export function forgetMailboxLearning(db: Db, filter: SpamFilter, mailboxId: number): number {
  const keys = db
    .prepare<[string], { doc_key: string }>("SELECT doc_key FROM spam_docs WHERE doc_key LIKE ? ESCAPE '\\'")
    .all(`msg:${mailboxId}:%`)
    .map((r) => r.doc_key);
  for (const key of keys) filter.unlearn(key);
  return keys.length;
}
