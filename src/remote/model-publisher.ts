// The store host publishes the spam model for remote workers: whenever the stored generation
// differs from the one in Redis (a mark, a training run, or a Redis that lost its data), the
// whole snapshot and its generation are written in one MULTI.
import type Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { exportModelSnapshot, storedGeneration } from '../spam/model-snapshot.js';
import type { RemoteKeys } from './remote-keys.js';
import { Periodic } from './periodic.js';

export interface ModelPublisherDeps {
  db: Database.Database;
  redis: Redis;
  keys: RemoteKeys;
  intervalMs: number;
  log: Logger;
}

export class ModelPublisher {
  readonly #deps: ModelPublisherDeps;
  readonly #periodic: Periodic;

  constructor(deps: ModelPublisherDeps) {
    this.#deps = deps;
    this.#periodic = new Periodic(() => this.publishIfChanged(), deps.intervalMs, deps.log, 'could not publish the spam model');
  }

  start(): void {
    this.#periodic.start(true);
  }

  stop(): Promise<void> {
    return this.#periodic.stop();
  }

  /** Publishes when Redis holds another generation than the store; returns whether it did. */
  async publishIfChanged(): Promise<boolean> {
    const { db, redis, keys, log } = this.#deps;
    const inRedis = await redis.get(keys.modelGeneration);
    if (inRedis !== null && Number(inRedis) === storedGeneration(db)) return false;
    const { generation, blob } = exportModelSnapshot(db);
    await redis.multi().set(keys.model, blob).set(keys.modelGeneration, String(generation)).exec();
    log.info({ generation, bytes: blob.length }, 'spam model published for remote workers');
    return true;
  }
}
