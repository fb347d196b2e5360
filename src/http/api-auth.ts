// Bearer-token check for the REST API. Tokens are compared as SHA-256 digests in constant
// time, so neither the token nor its length leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './error-reply.js';

export type ApiScope = 'admin' | 'agent';

/** Resolves a presented token to its scope, or null when unknown or revoked. */
export type TokenVerifier = (token: string) => ApiScope | null;

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The bootstrap token from INTAKE_API_TOKEN: an admin-scoped token for first use and scripts. */
export function staticTokenVerifier(token: string | undefined): TokenVerifier {
  if (!token) return () => null;
  const expected = sha256(token);
  return (presented) => (timingSafeEqual(sha256(presented), expected) ? 'admin' : null);
}

/** The first verifier that knows the token decides: DB tokens, then the bootstrap token. */
export function combineVerifiers(...verifiers: TokenVerifier[]): TokenVerifier {
  return (presented) => {
    for (const verify of verifiers) {
      const scope = verify(presented);
      if (scope) return scope;
    }
    return null;
  };
}

export function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1] ?? null;
}

export function requireApiToken(verify: TokenVerifier, needed: ApiScope = 'agent') {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerOf(request);
    if (!token) {
      await sendError(reply, 'INTAKE_ERR_UNAUTHORIZED', 'missing API token: send Authorization: Bearer <token>');
      return;
    }
    const scope = verify(token);
    if (!scope) {
      await sendError(reply, 'INTAKE_ERR_UNAUTHORIZED', 'unknown or revoked API token');
      return;
    }
    if (needed === 'admin' && scope !== 'admin') {
      await sendError(reply, 'INTAKE_ERR_FORBIDDEN', 'this endpoint needs an admin-scoped token');
    }
  };
}
