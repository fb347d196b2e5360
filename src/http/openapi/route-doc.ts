// One place that turns a route's zod shapes into the fastify JSON schemas @fastify/swagger
// publishes: zod stays the validator (its messages name each bad field), the JSON Schema is
// generated from the same objects so the contract cannot drift from what is enforced.
import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../errors/error-codes.js';
import { statusFor } from '../error-reply.js';

type JsonSchema = Record<string, unknown>;

export interface RouteDoc {
  tags: string[];
  summary: string;
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /** Success responses by status: a zod shape, a JSON Schema, or 'html' / 'text' / 'redirect' / 'empty'. */
  response: Record<number, z.ZodType | JsonSchema | 'html' | 'text' | 'redirect' | 'empty'>;
  /** Error statuses this route answers with, each documented with the codes that map to it. */
  errors?: number[];
  /** How the caller authenticates: an API token of that scope, an admin session, or nothing. */
  auth?: 'agent' | 'admin' | 'session' | 'none';
}

export const ERROR_ENVELOPE: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CODES) },
        message: { type: 'string', description: 'What is wrong and what to do' },
      },
    },
  },
};

export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function codesWithStatus(status: number): ErrorCode[] {
  return (Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => statusFor(c) === status);
}

function responseSchema(value: RouteDoc['response'][number]): JsonSchema {
  if (value === 'html') return { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } };
  if (value === 'text') return { description: 'Plain text', content: { 'text/plain': { schema: { type: 'string' } } } };
  if (value === 'redirect') return { description: 'Redirect (see the Location header)', type: 'null' };
  if (value === 'empty') return { description: 'No body', type: 'null' };
  if (value instanceof z.ZodType) return { description: 'Success', ...toJsonSchema(value, 'output') };
  return { description: 'Success', ...value };
}

const SECURITY: Record<NonNullable<RouteDoc['auth']>, { [name: string]: string[] }[]> = {
  agent: [{ bearer: [] }],
  admin: [{ bearer: [] }],
  session: [{ session: [] }],
  none: [],
};

/** Route options: the schema for the document, zod doing the validating, JSON.stringify serialising. */
export function routeDoc(doc: RouteDoc): {
  schema: FastifySchema;
  validatorCompiler: () => () => true;
  serializerCompiler: () => (data: unknown) => string;
} {
  const response: Record<string, JsonSchema> = {};
  for (const [status, value] of Object.entries(doc.response)) response[status] = responseSchema(value);
  const errors = new Set([...(doc.errors ?? []), ...(doc.auth === 'agent' || doc.auth === 'admin' ? [401, 403] : []), 500]);
  for (const status of errors) {
    const codes = codesWithStatus(status);
    response[String(status)] = { description: `Error: ${codes.join(', ') || 'INTAKE_ERR_INTERNAL'}`, ...ERROR_ENVELOPE };
  }
  const schema: FastifySchema & Record<string, unknown> = { tags: doc.tags, summary: doc.summary, response };
  if (doc.params) schema.params = toJsonSchema(doc.params, 'input');
  if (doc.querystring) schema.querystring = toJsonSchema(doc.querystring, 'input');
  if (doc.body) schema.body = toJsonSchema(doc.body, 'input');
  schema.security = SECURITY[doc.auth ?? 'none'];
  return {
    schema,
    // zod in the handler validates (with messages that name each field); the schema documents.
    validatorCompiler: () => () => true,
    serializerCompiler: () => (data: unknown) => JSON.stringify(data),
  };
}
