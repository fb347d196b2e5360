// One async task run every `intervalMs`, never two at once; a failure is logged and the next
// run tries again. What the model publisher and the model replica both need.
import type { Logger } from '../log/logger.js';

export class Periodic {
  readonly #run: () => Promise<unknown>;
  readonly #intervalMs: number;
  readonly #log: Logger;
  readonly #failure: string;
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> | null = null;

  constructor(run: () => Promise<unknown>, intervalMs: number, log: Logger, failure: string) {
    this.#run = run;
    this.#intervalMs = intervalMs;
    this.#log = log;
    this.#failure = failure;
  }

  start(immediately: boolean): void {
    if (this.#timer) return;
    if (immediately) this.#tick();
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#busy;
  }

  #tick(): void {
    if (this.#busy) return;
    this.#busy = this.#run()
      .then(() => undefined)
      .catch((err: unknown) => this.#log.warn({ code: 'INTAKE_ERR_QUEUE', reason: (err as Error).message }, this.#failure))
      .finally(() => (this.#busy = null));
  }
}
