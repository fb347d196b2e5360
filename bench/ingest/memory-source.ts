// A MailSource over messages already in memory: the ingest benchmark measures parsing,
// classification and the SQLite write, not the network (bench:queue covers that).
import type { ChangeBatch, FetchedMessage, MailSource } from '../../src/sources/mail-source.js';
import { EMPTY_CURSOR } from '../../src/sources/mail-source.js';

export class MemorySource implements MailSource {
  private readonly messages: Map<string, Buffer>;

  constructor(messages: Map<string, Buffer>) {
    this.messages = messages;
  }

  listChanges(): Promise<ChangeBatch> {
    return Promise.resolve({
      refs: [...this.messages.keys()].map((id) => ({ id, threadId: null })),
      cursor: EMPTY_CURSOR,
      more: false,
      phase: 'backfill',
    });
  }

  fetchRaw(id: string): Promise<FetchedMessage> {
    const raw = this.messages.get(id);
    if (!raw) return Promise.reject(new Error(`no message ${id}`));
    return Promise.resolve({ raw, threadId: null, labelIds: ['INBOX'], internalDate: Date.now() });
  }
}
