// Who the audit log names for an API call: the API token's id (never the token), the bootstrap
// INTAKE_API_TOKEN, or the signed-in admin. A request id alone cannot say who did it.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../store/database.js';
import { hashApiToken } from '../auth/api-token-repo.js';
import { bearerOf } from './api-auth.js';

export function apiActor(db: Db, request: FastifyRequest): string {
  const token = bearerOf(request);
  if (!token) return `request:${request.id}`;
  const row = db.prepare<[string], { id: number }>('SELECT id FROM api_tokens WHERE token_hash = ?').get(hashApiToken(token));
  return row ? `api_token:${row.id}` : 'api_token:bootstrap';
}
