// Live IMAP mail without polling: a connection of its own sits in IDLE (RFC 2177) on the folder
// and calls `onNewMail` the moment the server announces a new message (EXISTS), so the
// scheduler syncs the mailbox at once. IDLE is entered again straight away, never after
// imapflow's 15 s auto-IDLE delay, and renewed every `renewMs` (servers drop an IDLE after
// ~30 minutes, RFC 2177). A dropped connection is re-opened with a growing pause; while it is
// down the scheduler's own polling still finds the mail.
import { ImapFlow } from 'imapflow';
import { clientOptions, type ImapEndpoint, type ImapLogin } from './imap-source.js';

export interface ImapWatchOptions {
  endpoint: ImapEndpoint;
  login: () => Promise<ImapLogin>;
  folder: string;
  timeoutMs: number;
  /** How long one IDLE lasts before it is renewed. */
  renewMs: number;
  onNewMail: () => void;
  /** A connection failed (the watcher retries on its own); for logs and metrics. */
  onError?: (err: unknown) => void;
  /** The first and the longest pause before a reconnect. */
  retryMs?: { first: number; max: number };
}

export interface ImapWatch {
  /** Resolves once the first IDLE has started (tests wait for it before delivering mail). */
  readonly idling: Promise<void>;
  stop(): Promise<void>;
}

export function watchImapFolder(options: ImapWatchOptions): ImapWatch {
  const retry = options.retryMs ?? { first: 1000, max: 60_000 };
  let stopped = false;
  let client: ImapFlow | null = null;
  let wake: () => void = () => undefined;
  let markIdling: () => void = () => undefined;
  const idling = new Promise<void>((resolve) => (markIdling = resolve));

  const runOnce = async (): Promise<void> => {
    const c = new ImapFlow({ ...clientOptions(options.endpoint, await options.login(), options.timeoutMs), maxIdleTime: options.renewMs });
    client = c;
    c.on('error', (err: unknown) => options.onError?.(err));
    c.on('exists', () => options.onNewMail());
    await c.connect();
    await c.mailboxOpen(options.folder, { readOnly: true });
    // Mail that arrived while the watcher was (re)connecting is found by the sync this triggers.
    options.onNewMail();
    while (!stopped && c.usable) {
      const started = c.idle();
      markIdling();
      await started;
    }
  };

  const loop = async () => {
    let pause = retry.first;
    while (!stopped) {
      try {
        await runOnce();
        pause = retry.first;
      } catch (err) {
        if (!stopped) options.onError?.(err);
      } finally {
        client?.close();
        client = null;
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      pause = Math.min(pause * 2, retry.max);
    }
  };
  const running = loop();

  return {
    idling,
    async stop() {
      stopped = true;
      wake();
      const c = client;
      if (c?.usable) await c.logout().catch(() => undefined);
      else c?.close();
      await running;
    },
  };
}
