// One IDLE watcher per connected IMAP mailbox (sources/imap-watch.ts): new mail makes the
// scheduler sync that mailbox at once instead of at its next poll. Watchers are started for
// the mailboxes a sync pass has just served, and stopped when a mailbox is disconnected,
// paused for re-consent or its grant changes; all of them stop with the daemon.
import type { Mailbox } from '../store/mailbox-repo.js';
import type { ImapWatch } from '../sources/imap-watch.js';

export interface ImapWatchersDeps {
  /** Starts a watcher for the mailbox; null when it has no IMAP source. */
  start: (mailbox: Mailbox, onNewMail: () => void) => ImapWatch | null;
  syncNow: (mailboxId: number) => void;
  /** Told the number of watched mailboxes whenever it changes (a metric). */
  onChange?: (size: number) => void;
}

interface Entry {
  cipher: string | null;
  watch: ImapWatch;
}

export class ImapWatchers {
  readonly #deps: ImapWatchersDeps;
  readonly #watching = new Map<number, Entry>();
  #closed = false;

  constructor(deps: ImapWatchersDeps) {
    this.#deps = deps;
  }

  /** Mailboxes watched now. */
  get size(): number {
    return this.#watching.size;
  }

  /** Watches a connected IMAP mailbox (once); stops watching one that is no longer connected. */
  ensure(mailbox: Mailbox): void {
    if (this.#closed || mailbox.source !== 'imap') return;
    const current = this.#watching.get(mailbox.id);
    const wanted = mailbox.state !== 'needs_reconsent' && mailbox.state !== 'disconnected' && mailbox.refreshTokenCipher !== null;
    if (current && (!wanted || current.cipher !== mailbox.refreshTokenCipher)) void this.stop(mailbox.id);
    if (!wanted || (current && current.cipher === mailbox.refreshTokenCipher)) return;
    const watch = this.#deps.start(mailbox, () => this.#deps.syncNow(mailbox.id));
    if (!watch) return;
    this.#watching.set(mailbox.id, { cipher: mailbox.refreshTokenCipher, watch });
    this.#deps.onChange?.(this.#watching.size);
  }

  async stop(mailboxId: number): Promise<void> {
    const entry = this.#watching.get(mailboxId);
    if (!entry) return;
    this.#watching.delete(mailboxId);
    this.#deps.onChange?.(this.#watching.size);
    await entry.watch.stop();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#watching.keys()].map((id) => this.stop(id)));
  }
}
