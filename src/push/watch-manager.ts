// Keeps a Gmail watch on every connected Gmail-API mailbox while push is on: a watch call at
// start for mailboxes without a current one (stored in gmail_watches, so a restart costs
// nothing), a timer per mailbox to renew before Google's expiration, a backoff per mailbox
// when a call fails (polling goes on meanwhile), and stop when a mailbox is disconnected.
import type { Logger } from '../log/logger.js';
import type { Mailbox, MailboxRepo } from '../store/mailbox-repo.js';
import type { WatchRepo } from '../store/watch-repo.js';
import { isIntakeError } from '../errors/intake-error.js';
import { isCurrent, renewDelayMs, retryDelayMs } from './watch-schedule.js';

export interface WatchApi {
  watch(topicName: string): Promise<{ historyId: string; expiration: number }>;
  stop(): Promise<void>;
}

export interface WatchManagerDeps {
  mailboxes: MailboxRepo;
  watches: WatchRepo;
  apiFor: (mailbox: Mailbox) => WatchApi;
  topicName: string;
  renewBeforeMs: number;
  log: Logger;
  /** How often mailboxes connected elsewhere (another process, the CLI) are looked for. */
  sweepMs: number;
}

/** Push serves Gmail-API mailboxes that sync; IMAP ones have IDLE, paused ones wait for consent. */
export function wantsWatch(m: Mailbox | undefined): boolean {
  return !!m && m.source === 'gmail' && !!m.refreshTokenCipher && m.state !== 'needs_reconsent' && m.state !== 'disconnected';
}

export class WatchManager {
  private readonly deps: WatchManagerDeps;
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly failures = new Map<number, number>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(deps: WatchManagerDeps) {
    this.deps = deps;
  }

  start(): void {
    this.sweep();
    this.sweepTimer = setInterval(() => this.sweep(), this.deps.sweepMs);
    this.sweepTimer.unref();
  }

  /** A mailbox was connected or asked to sync: watch it if it is not yet. */
  touch(mailboxId: number): void {
    if (!this.stopped && !this.timers.has(mailboxId) && wantsWatch(this.deps.mailboxes.get(mailboxId))) this.schedule(mailboxId, 0);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const m of this.deps.mailboxes.list()) {
      if (!wantsWatch(m)) {
        this.drop(m.id);
        continue;
      }
      if (this.timers.has(m.id)) continue;
      const stored = this.deps.watches.get(m.id);
      const current = isCurrent(stored, this.deps.topicName, this.deps.renewBeforeMs, now);
      this.schedule(m.id, current && stored ? renewDelayMs(stored.expiration, this.deps.renewBeforeMs, now) : 0);
    }
  }

  private schedule(id: number, delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(id));
    const timer = setTimeout(() => void this.renew(id), delayMs);
    timer.unref();
    this.timers.set(id, timer);
  }

  private drop(id: number): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.failures.delete(id);
  }

  private async renew(id: number): Promise<void> {
    const mailbox = this.deps.mailboxes.get(id);
    if (this.stopped || !mailbox || !wantsWatch(mailbox)) return this.drop(id);
    const { topicName, renewBeforeMs } = this.deps;
    const stored = this.deps.watches.get(id);
    // Still current: stored before a restart, or renewed meanwhile by another scheduler process.
    if (stored && isCurrent(stored, topicName, renewBeforeMs, Date.now())) {
      return this.schedule(id, renewDelayMs(stored.expiration, renewBeforeMs, Date.now()));
    }
    try {
      const w = await this.deps.apiFor(mailbox).watch(topicName);
      const now = Date.now();
      this.deps.watches.save({ mailboxId: id, topicName, historyId: w.historyId || null, expiration: w.expiration, renewedAt: now });
      this.failures.delete(id);
      this.deps.log.info({ mailboxId: id, expiresInS: Math.round((w.expiration - now) / 1000) }, 'gmail watch renewed');
      this.schedule(id, renewDelayMs(w.expiration, renewBeforeMs, now));
    } catch (err) {
      const failures = (this.failures.get(id) ?? 0) + 1;
      this.failures.set(id, failures);
      const code = isIntakeError(err) ? err.code : 'INTAKE_ERR_INTERNAL';
      this.deps.log.warn({ mailboxId: id, code, failures }, 'gmail watch failed; polling continues, retrying later');
      this.schedule(id, retryDelayMs(failures));
    }
  }
}

/** Before a disconnect revokes the grant: users.stop for a watched mailbox (best effort), then forget the watch. */
export async function stopWatch(deps: Pick<WatchManagerDeps, 'watches' | 'apiFor' | 'log'>, mailbox: Mailbox): Promise<void> {
  if (!deps.watches.get(mailbox.id)) return;
  try {
    if (mailbox.refreshTokenCipher) await deps.apiFor(mailbox).stop();
  } catch (err) {
    deps.log.warn({ mailboxId: mailbox.id, code: isIntakeError(err) ? err.code : 'INTAKE_ERR_INTERNAL' }, 'gmail watch stop failed');
  } finally {
    deps.watches.delete(mailbox.id);
  }
}
