import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/store/database.js';
import { startBackgroundCheckpoints } from '../../../src/store/background-checkpoint.js';
import { checkpointTruncate } from '../../../src/privacy/checkpoint.js';
import { closeAfterEach, startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { testLogger } from '../../helpers/test-log.js';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { buildCore } from '../../../src/daemon/core.js';
import { ShutdownSteps } from '../../../src/daemon/shutdown.js';

const PAGE_BYTES = 4096;

describe('startBackgroundCheckpoints()', () => {
  let dir: string;
  let db: Db;
  const warnings: string[] = [];
  const log = { warn: (_fields: object, message: string) => void warnings.push(message) };

  const open = () => {
    dir = mkdtempSync(join(tmpdir(), 'intake-ckpt-'));
    db = openDatabase(join(dir, 'intake.sqlite'));
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  };
  /** Pages written to the WAL; they reach the database file only through a checkpoint. */
  const fill = (rows: number) => {
    const insert = db.prepare('INSERT INTO filler (body) VALUES (randomblob(3000))');
    for (let i = 0; i < rows; i += 100) db.transaction(() => Array.from({ length: 100 }, () => insert.run()))();
  };
  const mainFileBytes = () => statSync(db.name).size;

  afterEach(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
    warnings.length = 0;
  });

  it("turns the main connection's automatic checkpoint off, copies the WAL into the database from its own thread, and hands back on stop", async () => {
    open();
    const before = mainFileBytes();
    const checkpoints = startBackgroundCheckpoints(db, 20, log);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    // 2,000 rows of 3 KB: ~2,000 pages, more than one automatic checkpoint's worth.
    fill(2000);
    const pages = db.pragma('page_count', { simple: true }) as number;
    expect(pages).toBeGreaterThan(1500);
    await waitFor(mainFileBytes, (bytes) => bytes >= pages * PAGE_BYTES);
    expect(mainFileBytes()).toBeGreaterThan(before);
    await checkpoints.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(warnings).toEqual([]);
  });

  it('a TRUNCATE checkpoint for an erasure still empties the WAL while the thread checkpoints beside it', async () => {
    open();
    const checkpoints = startBackgroundCheckpoints(db, 1, log);
    try {
      for (let round = 0; round < 20; round++) {
        fill(200);
        expect(checkpointTruncate(db)).toBe(true);
        expect(statSync(`${db.name}-wal`).size).toBe(0);
      }
    } finally {
      await checkpoints.stop();
    }
  });
});

describe('the daemon and the one-shot commands', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  closeAfterEach(() => ({ t, fake }));

  it('`intake start` checkpoints from the thread; a one-shot command (buildCore alone) keeps the automatic checkpoint', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    expect(t.daemon.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const steps = new ShutdownSteps(testLogger('one-shot'));
    // The daemon's own config and store, opened as `intake token` or `intake backup` would.
    const core = buildCore(t.config, testLogger('one-shot'), steps);
    try {
      expect(core.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      await steps.close();
    }
  });
});
