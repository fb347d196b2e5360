// Ordered, idempotent shutdown: components register a close step as they start, and
// close() runs them in reverse, each in its own try/catch, once, however often it is called.
import type { Logger } from '../log/logger.js';

export class ShutdownSteps {
  private readonly steps: { name: string; run: () => Promise<void> | void }[] = [];
  private closing: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  get isClosing(): boolean {
    return this.closing !== undefined;
  }

  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  close(): Promise<void> {
    this.closing ??= this.runAll();
    return this.closing;
  }

  private async runAll(): Promise<void> {
    for (const step of [...this.steps].reverse()) {
      // Which step a slow or stuck stop is in, at debug level.
      this.log.debug({ step: step.name }, 'shutdown step');
      try {
        await step.run();
      } catch (err) {
        this.log.error({ err, step: step.name }, 'shutdown step failed; continuing');
      }
    }
  }
}
