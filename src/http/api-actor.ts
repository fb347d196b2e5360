// Who the audit log names for a REST API call: the token id behind the bearer token
// (`api_token:<id>`, or `api_token:bootstrap` for INTAKE_API_TOKEN), never the token.
import type { FastifyRequest } from 'fastify';
import { bearerOf } from './api-auth.js';

export function apiActor(request: FastifyRequest, tokenActor: ((token: string) => string) | undefined): string {
  const token = bearerOf(request);
  return token && tokenActor ? tokenActor(token) : 'api';
}
