// API requests take turns with ingest on the one event loop. Each API request is handled
// whole in one callback (the handlers are synchronous SQLite reads), so fifty clients reading
// tickets back to back filled every turn of the loop, and the messages the analyse workers
// had parsed waited behind all of them to be written: ingest fell to a fifth of its rate
// (bench:ingest --with-api-load). Now at most `perTurn` API requests start per turn of the
// loop; the rest wait, in arrival order, for the next turn, after the loop has polled again
// and landed whatever the workers finished meanwhile. On a quiet loop the turns come back to
// back, so the API alone is not slowed. Health probes and metrics never wait.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface ApiTurnOptions {
  /** API requests started per turn of the event loop; more wait for the next turn. */
  perTurn: number;
  /** Waiting requests past this many are answered 503 with Retry-After, not queued. */
  maxWaiting: number;
}

/** Never wait: a probe must answer while the API is saturated. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

interface Waiter {
  admit: () => void;
  /** The client left before its turn came. */
  gone: boolean;
}

export class ApiTurns {
  readonly #options: ApiTurnOptions;
  #startedThisTurn = 0;
  #turnScheduled = false;
  readonly #waiting: Waiter[] = [];

  constructor(options: ApiTurnOptions) {
    if (!Number.isInteger(options.perTurn) || options.perTurn < 1) throw new Error('http.apiRequestsPerTurn must be a whole number ≥ 1');
    this.#options = options;
  }

  /** Requests waiting for a turn. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Start now (null), a waiter whose admit() is called on a later turn, or 'full'. */
  take(): Waiter | null | 'full' {
    this.#scheduleTurn();
    if (this.#waiting.length === 0 && this.#startedThisTurn < this.#options.perTurn) {
      this.#startedThisTurn++;
      return null;
    }
    if (this.#waiting.length >= this.#options.maxWaiting) return 'full';
    const waiter: Waiter = { admit: () => undefined, gone: false };
    this.#waiting.push(waiter);
    return waiter;
  }

  /** setImmediate runs after the loop's poll phase: worker results and sockets are served first. */
  #scheduleTurn(): void {
    if (this.#turnScheduled) return;
    this.#turnScheduled = true;
    setImmediate(() => this.#nextTurn());
  }

  #nextTurn(): void {
    this.#turnScheduled = false;
    this.#startedThisTurn = 0;
    while (this.#startedThisTurn < this.#options.perTurn) {
      const next = this.#waiting.shift();
      if (!next) return;
      if (next.gone) continue;
      this.#startedThisTurn++;
      next.admit();
    }
    if (this.#waiting.length > 0) this.#scheduleTurn();
  }
}

export function registerApiTurns(app: FastifyInstance, turns: ApiTurns, refuse: (reply: FastifyReply) => unknown): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (PROBES.has(request.url.split('?')[0] ?? '')) return;
    const turn = turns.take();
    if (turn === null) return;
    if (turn === 'full') {
      await refuse(reply.header('retry-after', '1'));
      return;
    }
    reply.raw.once('close', () => (turn.gone = true));
    await new Promise<void>((resolve) => (turn.admit = resolve));
  });
}
