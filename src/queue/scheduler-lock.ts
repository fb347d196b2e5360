// One scheduler at a time across processes and hosts: a Redis key held with a lease (SET NX
// PX), renewed while the holder lives; a standby retries, and takes over within one lease
// when the holder dies. Renewal and release check the holder's token, so a process that lost
// the lock (a long pause) cannot extend or delete its successor's.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** How long a stopping holder waits for Redis to confirm the release. */
const RELEASE_WAIT_MS = 2_000;

export interface LeaderHooks {
  elected(): void;
  /** Called when the lease could not be renewed: stop scheduling at once. */
  lost(): void;
}

export class SchedulerLock {
  private readonly token = randomBytes(12).toString('hex');
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private stopped = false;
  private attempts = 0;

  private readonly redis: Redis;
  private readonly key: string;
  private readonly leaseMs: number;
  private readonly hooks: LeaderHooks;
  private readonly log: Logger;

  constructor(redis: Redis, key: string, leaseMs: number, hooks: LeaderHooks, log: Logger) {
    this.redis = redis;
    this.key = key;
    this.leaseMs = leaseMs;
    this.hooks = hooks;
    this.log = log;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** How many times this process has tried to win the lock (a standby keeps trying). */
  get tries(): number {
    return this.attempts;
  }

  start(): void {
    void this.tick();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.leading) {
        const renewed = (await this.redis.eval(RENEW, 1, this.key, this.token, String(this.leaseMs))) as number;
        if (renewed !== 1) this.lose('lease taken by another scheduler');
      } else {
        this.attempts++;
        const got = await this.redis.set(this.key, this.token, 'PX', this.leaseMs, 'NX');
        if (got === 'OK') {
          this.leading = true;
          this.log.info({ leaseMs: this.leaseMs }, 'elected scheduler');
          this.hooks.elected();
        }
      }
    } catch (err) {
      // Redis unreachable: a leader cannot prove it still holds the lease, so it stops.
      if (this.leading) this.lose(`redis unreachable: ${(err as Error).message}`);
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.tick(), Math.max(100, Math.floor(this.leaseMs / 3)));
      this.timer.unref();
    }
  }

  private lose(reason: string): void {
    this.leading = false;
    this.log.warn({ reason }, 'scheduler lock lost; scheduling stops until it is won again');
    this.hooks.lost();
  }

  /**
   * Releases the lock so a standby takes over at once, waiting at most RELEASE_WAIT_MS: with
   * Redis away the command would wait in ioredis' offline queue forever and hold up a stopping
   * daemon, and the lease ends by itself anyway.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.leading) {
      this.leading = false;
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(RELEASE_WAIT_MS, this.leaseMs))));
      const released = Promise.resolve(this.redis.eval(RELEASE, 1, this.key, this.token)).then(
        () => undefined,
        () => undefined,
      );
      await Promise.race([released, gaveUp]);
      clearTimeout(timer);
    }
  }
}
