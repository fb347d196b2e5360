// When mail is deleted (a mailbox with its mail, an erased person), the spam model forgets
// what it learned from it: Limited Use says the model is erased with the data it learned from.
import type { Db } from '../store/database.js';
import type { SpamFilter } from '../spam/spam-filter.js';

/** Unlearns one trained message; true when the model had learned it. */
export function forgetLearned(filter: SpamFilter, docKey: string): boolean {
  if (filter.trainedAs(docKey) === null) return false;
  filter.unlearn(docKey);
  return true;
}

export function forgetMailboxLearning(db: Db, filter: SpamFilter, mailboxId: number): number {
  const keys = db
    .prepare<[string], { doc_key: string }>("SELECT doc_key FROM spam_docs WHERE doc_key LIKE ? ESCAPE '\\'")
    .all(`msg:${mailboxId}:%`)
    .map((r) => r.doc_key);
  for (const key of keys) forgetLearned(filter, key);
  return keys.length;
}
