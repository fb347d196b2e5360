// Round-robin across mailboxes on BullMQ, which serves a queue first in, first out (its
// group feature is BullMQ Pro's). Start-time fair queueing through job priorities: each
// mailbox (lane) numbers its jobs from the current round on, and BullMQ serves the lowest
// number first, so while one mailbox has 2,000 jobs waiting, another's new job is numbered
// with the round being served and runs within it, and ten backfills interleave job by job.
// Jobs of one number keep their order of arrival (BullMQ breaks priority ties by insertion).
import type { Redis } from 'ioredis';

/** BullMQ's highest priority (Job.PRIORITY_LIMIT); 0 would mean "no priority", served before all. */
export const BULLMQ_PRIORITY_LIMIT = 2 ** 21 - 1;
/** Past this round the numbers start over as soon as the queue has nothing waiting. */
export const DEFAULT_RESTART_AT = 2 ** 20;

/**
 * KEYS: round, lanes hash, BullMQ's wait list, its prioritized set, its delayed set.
 * ARGV: lane, how many jobs, restart threshold.
 * Returns the number before the lane's first new job. A lane that was idle starts in the
 * current round (round - 1 + 1); a busy lane continues after its own last number.
 */
const RESERVE = `
local round = tonumber(redis.call('GET', KEYS[1]) or '0')
if round >= tonumber(ARGV[3]) and redis.call('LLEN', KEYS[3]) == 0 and redis.call('ZCARD', KEYS[4]) == 0 and redis.call('ZCARD', KEYS[5]) == 0 then
  round = 0
  redis.call('SET', KEYS[1], 0)
  redis.call('DEL', KEYS[2])
end
local last = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local start = math.max(round - 1, last, 0)
redis.call('HSET', KEYS[2], ARGV[1], start + tonumber(ARGV[2]))
return start
`;

/** KEYS: round. ARGV: the number of a job that started. The round only moves forward. */
const STARTED = `
local round = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > round then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`;

export interface FairTagOptions {
  /** BullMQ's key prefix. */
  prefix: string;
  restartAt?: number;
  /** The highest number handed out; later jobs share it (first in, first out among them). */
  limit?: number;
}

export class FairTags {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly restartAt: number;
  private readonly limit: number;

  constructor(redis: Redis, options: FairTagOptions) {
    this.redis = redis;
    this.prefix = options.prefix;
    this.restartAt = options.restartAt ?? DEFAULT_RESTART_AT;
    this.limit = Math.min(options.limit ?? BULLMQ_PRIORITY_LIMIT, BULLMQ_PRIORITY_LIMIT);
  }

  /** Priorities for `lanes` (one per job, in order), each lane numbered on from where it stands. */
  async reserve(queue: string, lanes: readonly (number | null)[]): Promise<number[]> {
    const counts = new Map<string, number>();
    for (const lane of lanes) counts.set(laneKey(lane), (counts.get(laneKey(lane)) ?? 0) + 1);
    const starts = new Map<string, number>();
    for (const [lane, n] of counts) {
      const start = (await this.redis.eval(RESERVE, 5, ...this.keys(queue), lane, String(n), String(this.restartAt))) as number;
      starts.set(lane, start);
    }
    return lanes.map((lane) => {
      const key = laneKey(lane);
      const next = starts.get(key)! + 1;
      starts.set(key, next);
      return Math.min(next, this.limit);
    });
  }

  /** A job numbered `priority` started: the round is at least that far. */
  async started(queue: string, priority: number): Promise<void> {
    if (priority > 0) await this.redis.eval(STARTED, 1, this.roundKey(queue), String(priority));
  }

  private roundKey(queue: string): string {
    return `${this.prefix}:${queue}:fair:round`;
  }

  private keys(queue: string): string[] {
    const base = `${this.prefix}:${queue}`;
    return [this.roundKey(queue), `${base}:fair:lanes`, `${base}:wait`, `${base}:prioritized`, `${base}:delayed`];
  }
}

/** Jobs that belong to no mailbox (webhook deliveries) share one lane. */
const laneKey = (lane: number | null): string => (lane === null ? '-' : String(lane));
