// Gmail push in the daemon (google.push): the watch manager, the push endpoint's verifier,
// and, with push turned off, stopping the watches an earlier run left, so Google stops
// publishing to a topic nobody reads. daemon.ts only names these.
import type { Core } from './core.js';
import type { PushHttpDeps } from '../http/push-deps.js';
import { PushTokenVerifier } from '../google/push-token-verifier.js';
import { stopWatch, WatchManager } from '../push/watch-manager.js';
import { WatchRepo } from '../store/watch-repo.js';

export interface GmailPush {
  http: PushHttpDeps;
  /** Starts watching (connect, sync requests): the manager watches any mailbox it does not yet. */
  touch(mailboxId: number): void;
  start(): void;
}

const SWEEP_MS = 5 * 60_000;

export function buildGmailPush(core: Core): GmailPush | null {
  const { config } = core;
  const settings = config.google.push;
  const watches = new WatchRepo(core.db);
  const log = core.log.child({ module: 'push' });
  const apiFor = (m: Parameters<Core['sources']['apiFor']>[0]) => core.sources.apiFor(m);
  if (!settings.enabled) {
    retireWatches(core, watches);
    return null;
  }
  const sharedSecret = config.secrets.googlePushSharedSecret;
  if (!settings.audience && !sharedSecret) {
    log.warn('google.push is on but neither google.push.audience nor INTAKE_GOOGLE_PUSH_SHARED_SECRET is set: every push will be refused');
  }
  const verifier = new PushTokenVerifier({
    audience: settings.audience,
    serviceAccountEmail: settings.serviceAccountEmail,
    sharedSecret,
    certsUrl: config.google.endpoints.pushCertsUrl,
    timeoutMs: config.google.requestTimeoutMs,
  });
  const manager = new WatchManager({
    mailboxes: core.mailboxes,
    watches,
    apiFor,
    topicName: settings.topicName,
    renewBeforeMs: settings.renewBeforeSeconds * 1000,
    log,
    sweepMs: SWEEP_MS,
  });
  return {
    http: { verify: (c) => verifier.verify(c) },
    touch: (id) => manager.touch(id),
    start() {
      manager.start();
      core.steps.add('gmail watches', () => manager.stop());
    },
  };
}

/** Push turned off: users.stop for every watch still stored (best effort, in the background). */
function retireWatches(core: Core, watches: WatchRepo): void {
  const stored = watches.list();
  if (stored.length === 0) return;
  const deps = {
    watches,
    apiFor: (m: Parameters<Core['sources']['apiFor']>[0]) => core.sources.apiFor(m),
    log: core.log.child({ module: 'push' }),
  };
  (async () => {
    for (const w of stored) {
      if (core.steps.isClosing) return;
      const mailbox = core.mailboxes.get(w.mailboxId);
      if (mailbox) await stopWatch(deps, mailbox);
      else watches.delete(w.mailboxId);
    }
  })().catch((err: unknown) => deps.log.warn({ err }, 'stopping gmail watches after push was turned off failed'));
}
