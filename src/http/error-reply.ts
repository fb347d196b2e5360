// Maps IntakeError codes to HTTP statuses and one JSON error shape:
// {"error": {"code": "INTAKE_ERR_...", "message": "what is wrong and what to do"}}.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isIntakeError } from '../errors/intake-error.js';
import type { ErrorCode } from '../errors/error-codes.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  INTAKE_ERR_BAD_REQUEST: 400,
  INTAKE_ERR_WEBHOOK_URL: 400,
  INTAKE_ERR_OAUTH_STATE: 400,
  INTAKE_ERR_OAUTH_EXCHANGE: 400,
  INTAKE_ERR_AUTH_SCOPE: 400,
  INTAKE_ERR_UNAUTHORIZED: 401,
  INTAKE_ERR_FORBIDDEN: 403,
  INTAKE_ERR_CSRF: 403,
  INTAKE_ERR_IP_NOT_ALLOWED: 403,
  INTAKE_ERR_LOGIN_LOCKED: 429,
  INTAKE_ERR_NOT_FOUND: 404,
  INTAKE_ERR_GMAIL_QUOTA: 503,
  INTAKE_ERR_GOOGLE_UNAVAILABLE: 503,
  INTAKE_ERR_QUEUE: 503,
  INTAKE_ERR_SHUTTING_DOWN: 503,
};

export function statusFor(code: ErrorCode): number {
  return STATUS[code] ?? 500;
}

export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.code(statusFor(code)).send({ error: { code, message } });
}

export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isIntakeError(err)) {
    if (statusFor(err.code) >= 500) request.log.error({ err }, 'request failed');
    return sendError(reply, err.code, err.message);
  }
  if (err.validation) {
    return sendError(reply, 'INTAKE_ERR_BAD_REQUEST', `invalid request: ${err.message}`);
  }
  if (typeof err.statusCode === 'number' && err.statusCode < 500) {
    return sendError(reply, 'INTAKE_ERR_BAD_REQUEST', err.message);
  }
  request.log.error({ err }, 'request failed');
  return sendError(reply, 'INTAKE_ERR_INTERNAL', 'internal error; the log line with this request id has details');
}
