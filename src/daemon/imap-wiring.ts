// Wiring of the IMAP source's daemon parts: the IDLE watchers that make new mail a sync at
// once, and adding a password-signed IMAP mailbox over the API.
import type { Core } from './core.js';
import type { Metrics } from '../metrics/metrics.js';
import { ImapWatchers } from './imap-watchers.js';
import { classifyImapError } from '../sources/imap-source.js';
import { connectImapAccount, type ImapAccountInput, type ImapConnectResult } from '../mailboxes/imap-account-connect.js';

/** Watchers stop with the daemon, and for a mailbox whose clients are dropped (disconnect). */
export function buildImapWatchers(core: Core, syncNow: (mailboxId: number) => void, metrics: Metrics): ImapWatchers {
  const log = core.log.child({ module: 'imap' });
  const watchers = new ImapWatchers({
    start: (mailbox, onNewMail) =>
      core.sources.watchFor(mailbox, onNewMail, (err) => {
        // The classified message names the failure (code, refused login), never a credential.
        const e = classifyImapError(err);
        metrics.imapWatchReconnects.inc();
        log.warn({ mailboxId: mailbox.id, code: e.code, reason: e.message }, 'IMAP watcher lost its connection; reconnecting');
      }),
    syncNow,
    onChange: (size) => metrics.imapWatchers.set(size),
  });
  core.sources.onForget((id) => void watchers.stop(id));
  core.steps.add('imap watchers', () => watchers.close());
  return watchers;
}

export function imapConnector(core: Core): (input: ImapAccountInput, actor: string) => Promise<ImapConnectResult> {
  const deps = {
    mailboxes: core.mailboxes,
    box: core.box,
    audit: core.audit,
    subjectRef: core.subjectRef,
    log: core.log.child({ module: 'connect' }),
    defaultBackfill: core.config.sync.backfill,
    timeoutMs: core.config.imap.timeoutMs,
    allowSelfSigned: core.config.imap.allowSelfSigned,
  };
  return (input, actor) => connectImapAccount(deps, input, actor);
}
