// Request validation with zod: a 400 whose message names every bad field and its form.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { sendError } from './error-reply.js';
import { NON_NEGATIVE_INT_PATTERN, POSITIVE_INT_PATTERN } from './strict-int.js';

export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, reply: FastifyReply, where: string): z.infer<S> | undefined {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || where}: ${i.message}`);
  void sendError(reply, 'INTAKE_ERR_BAD_REQUEST', `invalid ${where}: ${problems.join('; ')}`);
  return undefined;
}

/** A decimal integer as text (no sign, exponent, hex or fraction), as a number: for routes without a JSON schema. */
export const positiveIntParam = z
  .string()
  .regex(new RegExp(POSITIVE_INT_PATTERN), 'expected a positive decimal integer such as 42')
  .transform(Number);

/** The same for 0 and up (cursors, offsets). */
export const nonNegativeIntParam = z
  .string()
  .regex(new RegExp(NON_NEGATIVE_INT_PATTERN), 'expected a decimal integer such as 0 or 42')
  .transform(Number);
