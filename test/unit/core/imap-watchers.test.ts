// ImapWatchers keeps exactly one IDLE watcher per connected IMAP mailbox: started once, started
// again when the grant changes, stopped when the mailbox is paused or disconnected, never for a
// Gmail API mailbox, and all stopped on close. New mail from a watcher asks for a sync.
import { describe, expect, it } from 'vitest';
import { ImapWatchers } from '../../../src/daemon/imap-watchers.js';
import type { Mailbox } from '../../../src/store/mailbox-repo.js';
import type { ImapWatch } from '../../../src/sources/imap-watch.js';

function mailbox(over: Partial<Mailbox> = {}): Mailbox {
  return { id: 1, email: 'a@example.com', source: 'imap', state: 'syncing', refreshTokenCipher: 'c1', ...over } as Mailbox;
}

function setup() {
  const started: { id: number; stopped: boolean; onNewMail: () => void }[] = [];
  const synced: number[] = [];
  const watchers = new ImapWatchers({
    start: (m, onNewMail) => {
      const entry = { id: m.id, stopped: false, onNewMail };
      started.push(entry);
      const watch: ImapWatch = {
        idling: Promise.resolve(),
        stop: () => {
          entry.stopped = true;
          return Promise.resolve();
        },
      };
      return watch;
    },
    syncNow: (id) => synced.push(id),
  });
  return { watchers, started, synced };
}

describe('ImapWatchers', () => {
  it('ensure(): starts one watcher per IMAP mailbox, whose new mail asks for a sync of that mailbox', () => {
    const { watchers, started, synced } = setup();
    watchers.ensure(mailbox());
    watchers.ensure(mailbox());
    expect(started).toHaveLength(1);
    started[0]!.onNewMail();
    expect(synced).toEqual([1]);
  });

  it('ensure(): never watches a Gmail API mailbox', () => {
    const { watchers, started } = setup();
    watchers.ensure(mailbox({ source: 'gmail' }));
    expect(started).toHaveLength(0);
  });

  it('ensure(): a new grant restarts the watcher; a paused or disconnected mailbox stops it', async () => {
    const { watchers, started } = setup();
    watchers.ensure(mailbox());
    watchers.ensure(mailbox({ refreshTokenCipher: 'c2' }));
    await Promise.resolve();
    expect(started.map((s) => s.stopped)).toEqual([true, false]);
    watchers.ensure(mailbox({ refreshTokenCipher: 'c2', state: 'needs_reconsent' }));
    await Promise.resolve();
    expect(started.map((s) => s.stopped)).toEqual([true, true]);
    expect(watchers.size).toBe(0);
  });

  it('close(): stops every watcher and starts no more', async () => {
    const { watchers, started } = setup();
    watchers.ensure(mailbox({ id: 1 }));
    watchers.ensure(mailbox({ id: 2 }));
    await watchers.close();
    watchers.ensure(mailbox({ id: 3 }));
    expect(started.map((s) => [s.id, s.stopped])).toEqual([
      [1, true],
      [2, true],
    ]);
  });
});
