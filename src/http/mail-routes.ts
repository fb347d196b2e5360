// Agents' routes for issue 15: download an attachment, delete a ticket or a message (leaving
// tombstones so sync never brings it back), and review suppressed machine mail (list,
// release into a ticket, replay through the current rules). Each declares its JSON schemas.
import type { FastifyInstance, FastifyRequest } from 'fastify';
// Brings @fastify/swagger's schema fields (tags, summary) into FastifySchema's type.
import type {} from '@fastify/swagger';
import type { HttpDeps } from './http-deps.js';
import type { MailHttpDeps } from './mail-deps.js';
import { requireApiToken } from './api-auth.js';
import { sendError } from './error-reply.js';
import { sendAttachment } from './attachment-download.js';

const idParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;
const errorBody = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
} as const;
const suppressedItem = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    mailboxId: { type: 'integer' },
    providerMessageId: { type: 'string' },
    fromAddress: { type: 'string' },
    subject: { type: 'string' },
    guardClass: { type: 'string' },
    reason: { type: 'string' },
    createdAt: { type: 'string' },
    releasedAt: { type: ['string', 'null'] },
    releasedTicketId: { type: ['integer', 'null'] },
  },
} as const;
const releaseResult = {
  type: 'object',
  properties: {
    outcome: { type: 'string' },
    ticketId: { type: 'integer' },
    messageId: { type: 'integer' },
    suppressed: { type: 'object', properties: { guardClass: { type: 'string' }, reason: { type: 'string' } } },
  },
} as const;

interface IdRoute {
  Params: { id: number };
}
const actorOf = (request: FastifyRequest): string => `api:${request.id}`;

export function registerMailRoutes(app: FastifyInstance, deps: HttpDeps, mail: MailHttpDeps): void {
  const agent = requireApiToken(deps.verifyToken, 'agent');

  app.get<IdRoute>(
    '/api/attachments/:id',
    {
      preHandler: agent,
      schema: {
        tags: ['attachments'],
        summary: 'Download an attachment (Content-Disposition: attachment, nosniff, CSP sandbox)',
        params: idParams,
        response: { 200: { type: 'string', format: 'binary' }, 404: errorBody },
      },
    },
    async (request, reply) => sendAttachment(reply, mail.attachments, request.params.id),
  );

  app.delete<IdRoute>(
    '/api/tickets/:id',
    {
      preHandler: agent,
      schema: {
        tags: ['tickets'],
        summary: 'Delete a ticket; its messages are tombstoned so no resync or reconnect imports them again',
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: { deleted: { type: 'boolean' }, ticketId: { type: 'integer' }, messages: { type: 'integer' } },
          },
          404: errorBody,
        },
      },
    },
    async (request, reply) => {
      const done = mail.tombstones.deleteTicket(request.params.id, 'ticket deleted by an agent');
      if (!done) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no ticket with id ${request.params.id}`);
      mail.audit.record({
        actor: actorOf(request),
        action: 'ticket.deleted',
        subjectRef: `ticket:${done.ticketId}`,
        detail: { messages: done.messages },
      });
      return { deleted: true, ticketId: done.ticketId, messages: done.messages };
    },
  );

  app.delete<IdRoute>(
    '/api/messages/:id',
    {
      preHandler: agent,
      schema: {
        tags: ['tickets'],
        summary: 'Delete one message (tombstoned); the ticket goes too when it was its last message',
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: { deleted: { type: 'boolean' }, ticketId: { type: 'integer' }, ticketDeleted: { type: 'boolean' } },
          },
          404: errorBody,
        },
      },
    },
    async (request, reply) => {
      const done = mail.tombstones.deleteMessage(request.params.id, 'message deleted by an agent');
      if (!done) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no message with id ${request.params.id}`);
      mail.audit.record({ actor: actorOf(request), action: 'message.deleted', subjectRef: `message:${request.params.id}` });
      return { deleted: true, ...done };
    },
  );

  registerSuppressedRoutes(app, agent, mail);
}

function registerSuppressedRoutes(app: FastifyInstance, agent: ReturnType<typeof requireApiToken>, mail: MailHttpDeps): void {
  app.get<{ Querystring: { limit: number; released: boolean; class?: string } }>(
    '/api/suppressed',
    {
      preHandler: agent,
      schema: {
        tags: ['suppressed'],
        summary: 'Machine mail the guard kept out of tickets, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            released: { type: 'boolean', default: false },
            class: { type: 'string', maxLength: 40 },
          },
        },
        response: { 200: { type: 'object', properties: { suppressed: { type: 'array', items: suppressedItem } } } },
      },
    },
    async (request) => ({
      suppressed: mail.suppressed.list({
        limit: request.query.limit,
        includeReleased: request.query.released,
        guardClass: request.query.class,
      }),
    }),
  );

  for (const mode of ['release', 'replay'] as const) {
    app.post<IdRoute>(
      `/api/suppressed/:id/${mode}`,
      {
        preHandler: agent,
        schema: {
          tags: ['suppressed'],
          summary:
            mode === 'release'
              ? 'Release suppressed mail into a ticket, overriding the guard and the breaker'
              : 'Run suppressed mail through the current guard and threading rules again',
          params: idParams,
          response: { 200: releaseResult, 400: errorBody, 404: errorBody },
        },
      },
      async (request) => mail.release(request.params.id, mode, actorOf(request)),
    );
  }
}
