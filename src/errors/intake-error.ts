// The one error class Intake throws on purpose: a stable `code` callers match on, and
// whether retrying can help. Codes and what an operator should do live in error-codes.ts.
import type { ErrorCode } from './error-codes.js';

export class IntakeError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, retryable = false, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.retryable = retryable;
  }
}

export function isIntakeError(err: unknown): err is IntakeError {
  return err instanceof IntakeError;
}
