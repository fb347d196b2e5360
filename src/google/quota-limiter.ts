// Keeps Gmail calls inside Google's quota in either regime (SPEC.md §3.8): a per-user
// sliding window that fills the per-minute budget without overrunning it (plus legacy's
// 250 units/s), one project-wide budget shared by every mailbox and worker, a per-user
// in-flight cap, and adaptation when Google says 429/403 anyway (step down fast, up slowly).
import { REGIMES, type GmailMethod, type QuotaRegime } from './quota-costs.js';
import { quotaSignal, retryAfterMs } from './quota-signal.js';
import { SlidingWindow } from './sliding-window.js';

export interface QuotaOptions {
  regime: QuotaRegime;
  /** Google's window is a minute; benches and tests may shrink it (same shape, less time). */
  windowMs: number;
  maxInFlightPerUser: number;
  now?: () => number;
  random?: () => number;
}

/** Windows count a little longer than Google's, for clock granularity (spends are stamped when the answer is back). */
const marginOf = (windowMs: number): number => Math.max(10, Math.ceil(windowMs / 50));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function jittered(baseMs: number, attempt: number, maxMs: number, random: () => number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** The budget every mailbox of one Google Cloud project shares. */
export class ProjectQuota {
  readonly window: SlidingWindow;
  readonly limit: number;
  pausedUntil = 0;
  private strikes = 0;

  readonly options: QuotaOptions;
  private readonly now: () => number;

  constructor(options: QuotaOptions, now: () => number = options.now ?? Date.now) {
    this.options = options;
    this.now = now;
    // A shrunk window keeps Google's figures per window: the same shape, in less time.
    this.limit = REGIMES[options.regime].perProjectPerMinute;
    this.window = new SlidingWindow(options.windowMs + marginOf(options.windowMs));
  }

  forMailbox(): MailboxQuota {
    return new MailboxQuota(this, this.options);
  }

  /**
   * rateLimitExceeded / dailyLimitExceeded: every mailbox waits, with jitter so they do not
   * return at once. The project's rate pause doubles per strike (up to a window); a daily-limit
   * pause is 5 to 10 windows each time Google says so, without doubling: the calls that probe
   * after it are refused for free, and a limit that has cleared is found within minutes, not an
   * hour (the jobs themselves retry with the queue's backoff, their attempts untouched).
   */
  backOff(kind: 'project' | 'daily', random: () => number): void {
    const wait =
      kind === 'daily'
        ? jittered(this.options.windowMs * 10, 1, this.options.windowMs * 10, random)
        : jittered(this.options.windowMs / 20, ++this.strikes, this.options.windowMs, random);
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + wait);
  }

  succeeded(): void {
    this.strikes = 0;
  }

  costOf(method: GmailMethod): number {
    return REGIMES[this.options.regime].units[method];
  }

  /** ms until `units` fit the project's budget (0: now), a mailbox's own limits aside; spends nothing. */
  readyIn(units: number): number {
    const now = this.now();
    return Math.max(this.pausedUntil - now, this.window.waitFor(Math.min(units, this.limit), this.limit, now), 0);
  }
}

export class MailboxQuota {
  private readonly user: SlidingWindow;
  private readonly perSecond: SlidingWindow | null;
  private readonly userLimit: number;
  private readonly secondLimit: number;
  private readonly units: Readonly<Record<GmailMethod, number>>;
  private readonly now: () => number;
  private readonly random: () => number;
  /** Share of the documented limit used: stepped down on a 429/403, back up slowly. */
  factor = 1;
  inFlightCap: number;
  private inFlight = 0;
  private pausedUntil = 0;
  private strikes = 0;
  private successes = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly slotWaiters: (() => void)[] = [];

  private readonly project: ProjectQuota;

  constructor(project: ProjectQuota, options: QuotaOptions) {
    this.project = project;
    const regime = REGIMES[options.regime];
    this.units = regime.units;
    this.userLimit = regime.perUserPerMinute;
    this.user = new SlidingWindow(options.windowMs + marginOf(options.windowMs));
    this.secondLimit = regime.perUserPerSecond ?? 0;
    // Legacy's per-second average shrinks with the window (a sixtieth of it), keeping the shape.
    const second = options.windowMs / 60;
    this.perSecond = regime.perUserPerSecond === null ? null : new SlidingWindow(second + marginOf(second));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.inFlightCap = options.maxInFlightPerUser;
  }

  costOf(method: GmailMethod): number {
    return this.units[method];
  }

  /** ms until `method` may be sent now (0: go). Pure apart from reading the clock. */
  delayFor(method: GmailMethod): number {
    const units = this.units[method];
    const now = this.now();
    return Math.max(
      this.pausedUntil - now,
      this.project.pausedUntil - now,
      this.user.waitFor(units, Math.max(units, Math.floor(this.userLimit * this.factor)), now),
      this.perSecond ? this.perSecond.waitFor(units, Math.max(units, Math.floor(this.secondLimit * this.factor)), now) : 0,
      this.project.window.waitFor(units, this.project.limit, now),
      0,
    );
  }

  /**
   * ms until `count` calls of `method` could go out at once (0: now); spends nothing. The
   * queue's quota gate asks this before starting a job, so a mailbox that would only wait
   * here is skipped and the worker serves another. A count dearer than a whole window is
   * capped at the window (so the answer is never "never"). The in-flight cap is not counted:
   * a slot frees within one call, too soon to be worth skipping the mailbox for.
   */
  readyIn(method: GmailMethod, count = 1): number {
    const units = this.units[method] * Math.max(1, count);
    const now = this.now();
    const userLimit = Math.max(this.units[method], Math.floor(this.userLimit * this.factor));
    const secondLimit = Math.max(this.units[method], Math.floor(this.secondLimit * this.factor));
    return Math.max(
      this.pausedUntil - now,
      this.project.readyIn(units),
      this.user.waitFor(Math.min(units, userLimit), userLimit, now),
      this.perSecond ? this.perSecond.waitFor(Math.min(units, secondLimit), secondLimit, now) : 0,
      0,
    );
  }

  /**
   * Resolves when the call may go out, in arrival order; the returned function must be
   * called with the call's error (or null) so the slot is freed and the pace adapts.
   */
  acquire(method: GmailMethod): Promise<(err: unknown) => void> {
    const turn = this.chain.then(() => this.admit(method));
    this.chain = turn.catch(() => undefined);
    return turn;
  }

  private async admit(method: GmailMethod): Promise<(err: unknown) => void> {
    while (this.inFlight >= this.inFlightCap) await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    for (let delay = this.delayFor(method); delay > 0; delay = this.delayFor(method)) await sleep(delay);
    const units = this.units[method];
    this.user.reserve(units);
    this.perSecond?.reserve(units);
    this.project.window.reserve(units);
    this.inFlight++;
    let released = false;
    return (err) => {
      if (released) return;
      released = true;
      // Stamped when the answer is back, which is never before Google counted the call.
      const now = this.now();
      this.user.settle(units, now);
      this.perSecond?.settle(units, now);
      this.project.window.settle(units, now);
      this.inFlight--;
      this.slotWaiters.shift()?.();
      this.observe(err);
    };
  }

  private observe(err: unknown): void {
    if (err === null || err === undefined) {
      this.project.succeeded();
      this.strikes = 0;
      // Back up by 5% of the limit per 50 good calls: minutes to recover, never a new storm.
      if (this.factor < 1 && ++this.successes >= 50) {
        this.successes = 0;
        this.factor = Math.min(1, this.factor + 0.05);
      }
      return;
    }
    const signal = quotaSignal(err);
    if (signal === null) return;
    this.successes = 0;
    if (signal === 'project' || signal === 'daily') return this.project.backOff(signal, this.random);
    if (signal === 'concurrency') {
      this.inFlightCap = Math.max(1, this.inFlightCap - 1);
      return;
    }
    // Google says this user is over its limit: whatever regime we were told, trust Google.
    this.factor = Math.max(0.2, this.factor * 0.7);
    this.strikes++;
    const told = retryAfterMs(err, this.now());
    const windowish = this.user.windowMs / 60;
    this.pausedUntil = this.now() + (told ?? jittered(windowish, this.strikes, this.user.windowMs, this.random));
  }
}
