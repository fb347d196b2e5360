// google.labelImported: imported Gmail messages get a label (Intake/Ticketed by default), in
// batches through messages.batchModify, so an admin sees in Gmail what became a ticket. Only
// ever adds a label; a failed batch is retried at the next flush, then given up with a warning.
import type { Logger } from '../log/logger.js';
import type { Mailbox } from '../store/mailbox-repo.js';
import type { MailSource } from '../sources/mail-source.js';
import { SCOPES } from '../google/scopes.js';

const MAX_BATCH = 1000;
const MAX_TRIES = 3;

interface Pending {
  mailbox: Mailbox;
  ids: string[];
  tries: number;
}

interface LabelerDeps {
  sourceFor: (m: Mailbox) => MailSource;
  labelName: string;
  flushMs: number;
  log: Logger;
}

export class ImportLabeler {
  private readonly pending = new Map<number, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  private readonly deps: LabelerDeps;

  constructor(deps: LabelerDeps) {
    this.deps = deps;
  }

  /** Only mailboxes that granted gmail.modify (or full mail) can be labelled. */
  static canLabel(mailbox: Mailbox): boolean {
    return mailbox.source === 'gmail' && (mailbox.scopes.includes(SCOPES.gmailModify) || mailbox.scopes.includes(SCOPES.fullMail));
  }

  add(mailbox: Mailbox, providerMessageId: string): void {
    if (!ImportLabeler.canLabel(mailbox)) return;
    const p = this.pending.get(mailbox.id) ?? { mailbox, ids: [], tries: 0 };
    p.ids.push(providerMessageId);
    this.pending.set(mailbox.id, p);
    if (p.ids.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.deps.flushMs);
  }

  /** Sends every pending batch; resolves when done. Never throws. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing = this.flushing.then(() => this.sendAll());
    return this.flushing;
  }

  private async sendAll(): Promise<void> {
    const batches = [...this.pending.values()];
    this.pending.clear();
    for (const b of batches) {
      const source = this.deps.sourceFor(b.mailbox);
      if (!source.labelMessages) continue;
      try {
        await source.labelMessages(b.ids, this.deps.labelName);
      } catch (err) {
        this.retryLater(b, err);
      }
    }
  }

  private retryLater(b: Pending, err: unknown): void {
    if (b.tries + 1 >= MAX_TRIES) {
      this.deps.log.warn({ mailboxId: b.mailbox.id, count: b.ids.length, err }, 'imported mail could not be labelled in Gmail; giving up');
      return;
    }
    const p = this.pending.get(b.mailbox.id) ?? { mailbox: b.mailbox, ids: [], tries: b.tries + 1 };
    p.ids.push(...b.ids);
    this.pending.set(b.mailbox.id, p);
    this.timer ??= setTimeout(() => void this.flush(), this.deps.flushMs * 4);
  }
}
