// JSON-schema fragments for integers that arrive as text (path ids, limits, cursors): only
// plain decimal digits pass, so `0x1`, `+1`, `9.99e2`, `1.0` and ` 1` are 400s instead of
// being read as numbers the way Number() and ajv's type coercion would.
export const POSITIVE_INT_PATTERN = '^[1-9][0-9]{0,15}$';
export const NON_NEGATIVE_INT_PATTERN = '^(0|[1-9][0-9]{0,15})$';

const DESCRIPTION = {
  [POSITIVE_INT_PATTERN]: 'a positive decimal integer such as 42',
  [NON_NEGATIVE_INT_PATTERN]: 'a decimal integer such as 0 or 42',
};

export const positiveIntText = { type: 'string', pattern: POSITIVE_INT_PATTERN, description: DESCRIPTION[POSITIVE_INT_PATTERN] } as const;
export const nonNegativeIntText = {
  type: 'string',
  pattern: NON_NEGATIVE_INT_PATTERN,
  description: DESCRIPTION[NON_NEGATIVE_INT_PATTERN],
} as const;

/** `{ id }` path parameters. */
export const idParamsSchema = { type: 'object', required: ['id'], properties: { id: positiveIntText } } as const;

/** A querystring whose listed keys are decimal integers; other keys are left to the route. */
export function intQuerySchema(keys: Record<string, 'positive' | 'nonNegative'>) {
  return {
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(keys).map(([k, kind]) => [k, kind === 'positive' ? positiveIntText : nonNegativeIntText]),
    ),
  } as const;
}

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** "params/id must be a positive decimal integer such as 42" instead of the bare regex. */
export function describeValidation(context: string | undefined, issues: readonly ValidationIssue[]): string | undefined {
  const issue = issues[0];
  const pattern = issue?.keyword === 'pattern' ? issue.params.pattern : undefined;
  if (typeof pattern !== 'string' || !(pattern in DESCRIPTION)) return undefined;
  const where = `${context ?? 'request'}${issue?.instancePath ?? ''}`;
  return `${where} must be ${DESCRIPTION[pattern as keyof typeof DESCRIPTION]}`;
}
