// Maps IntakeError codes to HTTP statuses and one JSON error shape for every answer that is
// not a success, whoever raised it (a route, fastify's body parser, its router, or Node's
// HTTP parser before fastify sees the request):
// {"error": {"code": "INTAKE_ERR_...", "message": "what is wrong and what to do"}}.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isIntakeError } from '../errors/intake-error.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { describeValidation } from './strict-int.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  INTAKE_ERR_BAD_REQUEST: 400,
  INTAKE_ERR_WEBHOOK_URL: 400,
  INTAKE_ERR_OAUTH_STATE: 400,
  INTAKE_ERR_OAUTH_EXCHANGE: 400,
  INTAKE_ERR_AUTH_SCOPE: 400,
  INTAKE_ERR_IMAP_LOGIN: 400,
  INTAKE_ERR_UNAUTHORIZED: 401,
  INTAKE_ERR_PUSH_UNAUTHENTICATED: 401,
  INTAKE_ERR_FORBIDDEN: 403,
  INTAKE_ERR_CSRF: 403,
  INTAKE_ERR_IP_NOT_ALLOWED: 403,
  INTAKE_ERR_NOT_FOUND: 404,
  INTAKE_ERR_REQUEST_TIMEOUT: 408,
  INTAKE_ERR_MAILBOX_EXISTS: 409,
  INTAKE_ERR_PAYLOAD_TOO_LARGE: 413,
  INTAKE_ERR_URI_TOO_LONG: 414,
  INTAKE_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  INTAKE_ERR_LOGIN_LOCKED: 429,
  INTAKE_ERR_HEADERS_TOO_LARGE: 431,
  INTAKE_ERR_GMAIL_QUOTA: 503,
  INTAKE_ERR_GOOGLE_UNAVAILABLE: 503,
  INTAKE_ERR_IMAP_UNAVAILABLE: 503,
  INTAKE_ERR_QUEUE: 503,
  INTAKE_ERR_BUSY: 503,
  INTAKE_ERR_SHUTTING_DOWN: 503,
};

/** The largest request body any route reads; documented in the README. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

// Fastify's own 4xx errors, by status, in the envelope's words.
const CODE_FOR_STATUS: Record<number, ErrorCode> = {
  401: 'INTAKE_ERR_UNAUTHORIZED',
  403: 'INTAKE_ERR_FORBIDDEN',
  404: 'INTAKE_ERR_NOT_FOUND',
  408: 'INTAKE_ERR_REQUEST_TIMEOUT',
  413: 'INTAKE_ERR_PAYLOAD_TOO_LARGE',
  414: 'INTAKE_ERR_URI_TOO_LONG',
  415: 'INTAKE_ERR_UNSUPPORTED_MEDIA_TYPE',
  431: 'INTAKE_ERR_HEADERS_TOO_LARGE',
};

// Fastify's messages say what broke; these add what to do.
const MESSAGE_FOR_CODE: Partial<Record<ErrorCode, string>> = {
  INTAKE_ERR_PAYLOAD_TOO_LARGE: `the request body is larger than ${BODY_LIMIT_BYTES} bytes; send a smaller body`,
  INTAKE_ERR_URI_TOO_LONG: 'a path segment of the URL is too long; check the URL',
  INTAKE_ERR_HEADERS_TOO_LARGE: 'the request line and headers are too large; send a shorter URL or fewer headers',
  INTAKE_ERR_REQUEST_TIMEOUT: 'the request did not arrive in time; retry',
  INTAKE_ERR_UNSUPPORTED_MEDIA_TYPE: 'this endpoint does not read a body of that Content-Type; send application/json',
};

export function statusFor(code: ErrorCode): number {
  return STATUS[code] ?? 500;
}

export function errorBody(code: ErrorCode, message: string): { error: { code: ErrorCode; message: string } } {
  return { error: { code, message } };
}

export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.code(statusFor(code)).send(errorBody(code, message));
}

export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isIntakeError(err)) {
    if (statusFor(err.code) >= 500) request.log.error({ err }, 'request failed');
    return sendError(reply, err.code, err.message);
  }
  if (err.validation) {
    const described = describeValidation(err.validationContext, err.validation);
    return sendError(reply, 'INTAKE_ERR_BAD_REQUEST', `invalid request: ${described ?? err.message}`);
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    const code = CODE_FOR_STATUS[err.statusCode] ?? 'INTAKE_ERR_BAD_REQUEST';
    return sendError(reply, code, MESSAGE_FOR_CODE[code] ?? `${err.message}`);
  }
  request.log.error({ err }, 'request failed');
  return sendError(reply, 'INTAKE_ERR_INTERNAL', 'internal error; the log line with this request id has details');
}

/** Fastify's router errors (a malformed URL, an over-long path parameter) take the same path. */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_BAD_URL') {
    void sendError(reply, 'INTAKE_ERR_BAD_REQUEST', 'the URL is not validly percent-encoded; check the path');
    return;
  }
  void errorHandler(err, request, reply);
}

/**
 * Errors Node's HTTP parser raises before fastify has a request (headers over 16 KiB, a
 * timeout, garbage on the wire): answered on the raw socket, in the same envelope.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'INTAKE_ERR_HEADERS_TOO_LARGE'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'INTAKE_ERR_REQUEST_TIMEOUT'
        : 'INTAKE_ERR_BAD_REQUEST';
  const status = statusFor(code);
  const body = JSON.stringify(errorBody(code, MESSAGE_FOR_CODE[code] ?? 'the request is not valid HTTP'));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
