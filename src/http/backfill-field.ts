// The backfill choice as the REST API and admin forms accept it ("all", "none", "days:N"
// or {"days": N}), validated by the one pure parser so every entry point agrees.
import { z } from 'zod';
import { isChoiceError, parseBackfillChoice, type BackfillChoice } from '../sync/backfill-choice.js';

/** The same field as JSON Schema, for the OpenAPI document (zod cannot derive it from a transform). */
const BACKFILL_JSON_SCHEMA = {
  description: 'What the first sync imports: "all", "none", "days:N", or {"days": N}',
  anyOf: [
    { type: 'string', pattern: '^(all|none|days:\\s*\\d+)$' },
    { type: 'object', properties: { days: { type: 'integer', minimum: 1 } }, required: ['days'], additionalProperties: false },
  ],
};

export const backfillField = z
  .unknown()
  .transform((value, ctx): BackfillChoice => {
    const parsed = parseBackfillChoice(value);
    if (isChoiceError(parsed)) {
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }
    return parsed;
  })
  .meta(BACKFILL_JSON_SCHEMA);
