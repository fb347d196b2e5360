// A remote worker's Google access tokens, asked of the store host through Redis (it never
// holds a refresh token): the token cached in Redis while it lasts, otherwise a request to the
// store host's TokenBroker and its reply on this worker's own list. Concurrent asks for one
// mailbox share one request.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Logger } from '../log/logger.js';
import { IntakeError } from '../errors/intake-error.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { TOKEN_MARGIN_MS } from './token-broker.js';
import type { AccessGrant, RemoteKeys, TokenReply, TokenRequest } from './remote-keys.js';

export type Grant = { kind: 'token'; token: string; expiresAt: number } | { kind: 'local' } | { kind: 'gone' };

export interface TokenClientDeps {
  /** A connection of its own: BLPOP on the reply list blocks it. */
  blocking: Redis;
  redis: Redis;
  keys: RemoteKeys;
  workerBox: SecretBox;
  /** How long to wait for the store host's answer before the job retries later. */
  replyTimeoutMs: number;
  log: Logger;
}

interface Pending {
  resolve: (reply: TokenReply) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class TokenClient {
  readonly workerId = randomBytes(8).toString('hex');
  readonly #deps: TokenClientDeps;
  readonly #pending = new Map<string, Pending>();
  readonly #asking = new Map<string, Promise<Grant>>();
  #running = false;
  #loop: Promise<void> | null = null;

  constructor(deps: TokenClientDeps) {
    this.#deps = deps;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#readReplies();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#deps.blocking.disconnect();
    await this.#loop;
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new IntakeError('INTAKE_ERR_SHUTTING_DOWN', 'the worker is stopping', true));
      this.#pending.delete(id);
    }
  }

  /** The mailbox's token; `refused` is a token Google just refused, which is never handed out again. */
  grant(mailboxId: number, refused?: string): Promise<Grant> {
    const key = `${mailboxId}:${refused ? 'force' : ''}`;
    let asking = this.#asking.get(key);
    if (!asking) {
      asking = this.#grant(mailboxId, refused).finally(() => this.#asking.delete(key));
      this.#asking.set(key, asking);
    }
    return asking;
  }

  async #grant(mailboxId: number, refused: string | undefined): Promise<Grant> {
    const { redis, keys } = this.#deps;
    const cached = await redis.get(keys.token(mailboxId));
    if (cached) {
      const grant = this.#open(cached);
      if (grant.token !== refused && grant.expiresAt - Date.now() > TOKEN_MARGIN_MS) return { kind: 'token', ...grant };
    }
    const reply = await this.#ask(mailboxId, refused !== undefined);
    switch (reply.kind) {
      case 'token':
        return { kind: 'token', ...this.#open(reply.sealed) };
      case 'local':
      case 'gone':
        return { kind: reply.kind };
      case 'parked':
        throw new IntakeError('INTAKE_ERR_MAILBOX_PARKED', `mailbox ${mailboxId} awaits re-consent; its jobs wait for a reconnect`);
      case 'error':
        throw new IntakeError(reply.code as ErrorCode, `the store host could not mint a token: ${reply.message}`, reply.retryable);
    }
  }

  #open(sealed: string): AccessGrant {
    return JSON.parse(this.#deps.workerBox.open(sealed)) as AccessGrant;
  }

  async #ask(mailboxId: number, force: boolean): Promise<TokenReply> {
    const { redis, keys, replyTimeoutMs } = this.#deps;
    const request: TokenRequest = { id: randomBytes(8).toString('hex'), mailboxId, force, replyTo: keys.replies(this.workerId) };
    const reply = new Promise<TokenReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(request.id);
        reject(
          new IntakeError(
            'INTAKE_ERR_QUEUE',
            `the store host did not answer a token request within ${replyTimeoutMs} ms; is \`intake start\` (the scheduler) running?`,
            true,
          ),
        );
      }, replyTimeoutMs);
      this.#pending.set(request.id, { resolve, reject, timer });
    });
    try {
      await redis.rpush(keys.tokenRequests, JSON.stringify(request));
    } catch (err) {
      const p = this.#pending.get(request.id);
      if (p) clearTimeout(p.timer);
      this.#pending.delete(request.id);
      throw new IntakeError('INTAKE_ERR_QUEUE', `could not ask the store host for a token: ${(err as Error).message}`, true);
    }
    return reply;
  }

  async #readReplies(): Promise<void> {
    const { blocking, keys, log } = this.#deps;
    const list = keys.replies(this.workerId);
    while (this.#running) {
      let popped: [string, string] | null;
      try {
        popped = await blocking.blpop(list, 1);
      } catch (err) {
        if (!this.#running) return;
        log.warn({ code: 'INTAKE_ERR_QUEUE', reason: (err as Error).message }, 'could not read token replies; retrying');
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (!popped) continue;
      let reply: TokenReply;
      try {
        reply = JSON.parse(popped[1]) as TokenReply;
      } catch {
        continue;
      }
      const p = this.#pending.get(reply.id);
      if (!p) continue;
      clearTimeout(p.timer);
      this.#pending.delete(reply.id);
      p.resolve(reply);
    }
  }
}
