// The backfill progress counter is kept in memory between writes (MailboxRepo.countImported):
// reads through the repo that counted are exact, a new full sync starts from zero, and the
// counts reach the file for every other connection once flushed (a timer, or the daemon's stop).
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/store/database.js';
import { MailboxRepo } from '../../../src/store/mailbox-repo.js';

function twoConnections() {
  const file = join(mkdtempSync(join(tmpdir(), 'intake-backfill-count-')), 'intake.sqlite');
  const db = openDatabase(file);
  const other = openDatabase(file);
  const repo = new MailboxRepo(db);
  const { mailbox } = repo.upsertConnected({ email: 'desk@example.com', source: 'gmail', refreshTokenCipher: 'x', scopes: [] });
  return { db, other, repo, id: mailbox.id, stored: () => new MailboxRepo(other).syncState(mailbox.id)?.backfillImported };
}

describe('backfill progress counter', () => {
  it('countImported(): exact through the repo that counted; other connections see the count once it is flushed', () => {
    const { db, other, repo, id, stored } = twoConnections();
    try {
      repo.startBackfill(id, 'h1', 10);
      for (let i = 0; i < 3; i++) repo.countImported(id);
      expect(stored()).toBe(0);
      expect(repo.syncState(id)?.backfillImported).toBe(3);
      expect(stored()).toBe(3);
      repo.countImported(id);
      repo.flushImported();
      expect(stored()).toBe(4);
    } finally {
      db.close();
      other.close();
    }
  });

  it('startBackfill(): counts of the sync before are written first, so a new full sync starts from zero', () => {
    const { db, other, repo, id, stored } = twoConnections();
    try {
      repo.startBackfill(id, 'h1', 10);
      repo.countImported(id);
      repo.countImported(id);
      repo.startBackfill(id, 'h2', 5, true);
      repo.countImported(id);
      expect(repo.syncState(id)).toMatchObject({ backfillImported: 1, backfillTotal: 5 });
      expect(stored()).toBe(1);
    } finally {
      db.close();
      other.close();
    }
  });

  it('flushImported(): after the database has closed, pending counts are dropped without an error', () => {
    const { db, other, repo, id } = twoConnections();
    repo.countImported(id);
    db.close();
    other.close();
    expect(() => repo.flushImported()).not.toThrow();
  });
});
