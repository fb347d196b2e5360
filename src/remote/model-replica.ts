// A remote worker's copy of the spam model: a SQLite file in its own data directory (never the
// store's), refreshed from the snapshot in Redis whenever the published generation moves. The
// analyse pool's threads read it as they would read the store, and reload on the same rule.
import type Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { importModelSnapshot, storedGeneration } from '../spam/model-snapshot.js';
import type { RemoteKeys } from './remote-keys.js';
import { Periodic } from './periodic.js';

export interface ModelReplicaDeps {
  db: Database.Database;
  redis: Redis;
  keys: RemoteKeys;
  intervalMs: number;
  log: Logger;
  /** After each import: the analyse pool's workers read the new model before their next verdict. */
  onUpdated?: () => void;
}

export class ModelReplica {
  readonly #deps: ModelReplicaDeps;
  readonly #periodic: Periodic;
  #loaded = false;

  constructor(deps: ModelReplicaDeps) {
    this.#deps = deps;
    this.#periodic = new Periodic(() => this.refresh(), deps.intervalMs, deps.log, 'could not refresh the spam model');
  }

  /** True once a snapshot has been imported (or the replica already held the published one). */
  get loaded(): boolean {
    return this.#loaded;
  }

  get generation(): number {
    return storedGeneration(this.#deps.db);
  }

  start(): void {
    this.#periodic.start(false);
  }

  stop(): Promise<void> {
    return this.#periodic.stop();
  }

  /** Imports the published snapshot when its generation differs; false when none is published yet. */
  async refresh(): Promise<boolean> {
    const { db, redis, keys, log } = this.#deps;
    const published = await redis.get(keys.modelGeneration);
    if (published === null) return false;
    if (Number(published) !== storedGeneration(db)) {
      const blob = await redis.getBuffer(keys.model);
      if (!blob) return false;
      const generation = importModelSnapshot(db, blob);
      log.info({ generation, bytes: blob.length }, 'spam model replica updated');
      this.#deps.onUpdated?.();
    }
    this.#loaded = true;
    return true;
  }
}
