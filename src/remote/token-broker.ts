// The store host's side of remote workers' Google access: pops token requests from Redis,
// mints an access token from the mailbox's sealed refresh token (which never leaves this
// host), and answers with it sealed under the worker key; it also caches it in Redis for the
// other workers. A grant Google ended pauses the mailbox here, as a local fetch would.
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Mailbox, MailboxRepo } from '../store/mailbox-repo.js';
import { isIntakeError } from '../errors/intake-error.js';
import { reconsentReason } from '../google/classify-google-error.js';
import type { AccessGrant, RemoteKeys, TokenReply, TokenRequest } from './remote-keys.js';

export interface TokenBrokerDeps {
  /** A connection of its own: BLPOP blocks it. */
  blocking: Redis;
  redis: Redis;
  keys: RemoteKeys;
  workerBox: SecretBox;
  mailboxes: Pick<MailboxRepo, 'get' | 'markNeedsReconsent'>;
  accessTokenFor: (mailbox: Mailbox, force: boolean) => Promise<AccessGrant | null>;
  log: Logger;
}

/** A cached token is dropped this long before Google's expiry, so no worker uses one about to lapse. */
export const TOKEN_MARGIN_MS = 60_000;
const REPLY_TTL_MS = 60_000;

export class TokenBroker {
  readonly #deps: TokenBrokerDeps;
  #running = false;
  #loop: Promise<void> | null = null;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(deps: TokenBrokerDeps) {
    this.#deps = deps;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#deps.blocking.disconnect();
    await this.#loop;
    await Promise.allSettled([...this.#inFlight]);
  }

  async #run(): Promise<void> {
    const { blocking, keys, log } = this.#deps;
    while (this.#running) {
      let popped: [string, string] | null;
      try {
        popped = await blocking.blpop(keys.tokenRequests, 1);
      } catch (err) {
        if (!this.#running) return;
        log.warn({ code: 'INTAKE_ERR_QUEUE', reason: (err as Error).message }, 'token broker could not read requests; retrying');
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (!popped) continue;
      const request = parseRequest(popped[1], keys.replies(''));
      if (!request) {
        log.warn({ code: 'INTAKE_ERR_BAD_REQUEST' }, 'token broker dropped a malformed request');
        continue;
      }
      const task = this.#answer(request).finally(() => this.#inFlight.delete(task));
      this.#inFlight.add(task);
    }
  }

  async #answer(request: TokenRequest): Promise<void> {
    const reply = await this.#grant(request);
    const { redis, log } = this.#deps;
    try {
      await redis.multi().rpush(request.replyTo, JSON.stringify(reply)).pexpire(request.replyTo, REPLY_TTL_MS).exec();
    } catch (err) {
      log.warn({ code: 'INTAKE_ERR_QUEUE', reason: (err as Error).message }, 'token broker could not reply; the worker will ask again');
    }
  }

  async #grant(request: TokenRequest): Promise<TokenReply> {
    const { mailboxes, keys, redis, workerBox, log } = this.#deps;
    const id = request.id;
    const mailbox = mailboxes.get(request.mailboxId);
    if (!mailbox) return { id, kind: 'gone' };
    if (mailbox.state === 'needs_reconsent' || mailbox.state === 'disconnected') return { id, kind: 'parked' };
    if (mailbox.source === 'imap') return { id, kind: 'local' };
    try {
      const grant = await this.#deps.accessTokenFor(mailbox, request.force);
      if (!grant) return { id, kind: 'local' };
      const sealed = workerBox.seal(JSON.stringify(grant));
      const ttl = grant.expiresAt - Date.now() - TOKEN_MARGIN_MS;
      if (ttl > 0) await redis.set(keys.token(mailbox.id), sealed, 'PX', ttl);
      return { id, kind: 'token', sealed };
    } catch (err) {
      if (!isIntakeError(err)) {
        log.error({ mailboxId: mailbox.id, reason: (err as Error).name }, 'token broker failed unexpectedly');
        return { id, kind: 'error', code: 'INTAKE_ERR_INTERNAL', message: 'the store host could not mint a token', retryable: true };
      }
      if (err.code === 'INTAKE_ERR_AUTH_REVOKED' || err.code === 'INTAKE_ERR_AUTH_SCOPE') {
        const reason = reconsentReason(err, Date.now() - mailbox.updatedAt);
        if (mailboxes.markNeedsReconsent(mailbox.id, mailbox.refreshTokenCipher, reason)) {
          log.warn({ mailboxId: mailbox.id, code: err.code, reason }, 'mailbox needs re-consent; its jobs are parked');
        }
        return { id, kind: 'parked' };
      }
      return { id, kind: 'error', code: err.code, message: err.message, retryable: err.retryable };
    }
  }
}

/** A reply goes only to a worker's reply list, never to a key the request names at will. */
function parseRequest(text: string, replyPrefix: string): TokenRequest | null {
  try {
    const r = JSON.parse(text) as Partial<TokenRequest>;
    if (typeof r.id !== 'string' || typeof r.replyTo !== 'string' || !Number.isSafeInteger(r.mailboxId)) return null;
    if (!r.replyTo.startsWith(replyPrefix) || !/^[0-9a-f]{1,64}$/.test(r.replyTo.slice(replyPrefix.length))) return null;
    return { id: r.id, mailboxId: r.mailboxId as number, force: r.force === true, replyTo: r.replyTo };
  } catch {
    return null;
  }
}
