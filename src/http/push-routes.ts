// POST /push/gmail: the Pub/Sub push endpoint for Gmail watches. The credential (OIDC token
// or ?token= shared secret) is checked in onRequest, before the body is read; a proven push
// asks the scheduler for an immediate pass of that mailbox and is acked with 204 at once,
// whether or not the address is ours (an unknown address learns nothing, and Pub/Sub stops
// redelivering). Neither the token nor the body is logged.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HttpDeps } from './http-deps.js';
import { bearerOf } from './api-auth.js';
import { sendError } from './error-reply.js';
import { routeDoc } from './openapi/route-doc.js';
import { parsePushBody } from '../push/push-message.js';
import type { PushHttpDeps } from './push-deps.js';

export const PUSH_PATH = '/push/gmail';

const pushQuery = z.object({ token: z.string().optional().describe('The shared secret, when google.push uses one') });
const pushBody = z.object({
  message: z.object({ data: z.string(), messageId: z.string().optional(), publishTime: z.string().optional() }),
  subscription: z.string().optional(),
});

export function registerPushRoutes(app: FastifyInstance, deps: HttpDeps, push: PushHttpDeps): void {
  const log = deps.log.child({ module: 'push' });
  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = (request.query as { token?: unknown }).token;
    const ok = await push.verify({ bearer: bearerOf(request), token: typeof token === 'string' ? token : null });
    if (!ok) await sendError(reply, 'INTAKE_ERR_PUSH_UNAUTHENTICATED', 'the push carried no valid Google OIDC token or shared secret');
  };
  app.post(
    PUSH_PATH,
    {
      onRequest: authenticate,
      ...routeDoc({
        tags: ['push'],
        summary: 'Gmail push notification (a Pub/Sub push subscription): syncs that mailbox now',
        querystring: pushQuery,
        body: pushBody,
        response: { 204: 'empty' },
        errors: [401],
      }),
    },
    async (request, reply) => {
      const note = parsePushBody(request.body);
      if (!note) log.warn('push body unreadable; acked');
      const mailbox = note ? deps.mailboxes.findByEmail(note.emailAddress) : undefined;
      if (mailbox && mailbox.source === 'gmail') {
        deps.syncNow(mailbox.id);
        log.debug({ mailboxId: mailbox.id }, 'push: sync requested');
      }
      return reply.code(204).send();
    },
  );
}
