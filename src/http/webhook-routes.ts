// Webhook endpoints over the REST API (admin tokens): add (the signing secret is in the answer
// once), list, remove, rotate the secret, list deliveries (dead letters with ?status=failed),
// retry one delivery, replay everything since a time.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HttpDeps } from './http-deps.js';
import type { DeliveryHttpDeps } from './delivery-deps.js';
import { requireApiToken } from './api-auth.js';
import { sendError } from './error-reply.js';
import { parseOr400, positiveIntParam } from './validate.js';
import { apiActor } from './request-actor.js';
import { routeDoc } from './openapi/route-doc.js';
import { EVENT_TYPES } from '../store/event-repo.js';
import { addWebhook, removeWebhook, rotateWebhookSecret, type WebhookAdminDeps } from '../delivery/webhook-admin.js';

const idParams = z.strictObject({ id: positiveIntParam });
const createBody = z.strictObject({
  url: z.string().min(1).max(2000),
  events: z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).optional(),
  description: z.string().max(200).optional(),
});
const deliveriesQuery = z.strictObject({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: positiveIntParam.pipe(z.number().max(500)).default(100),
  before: positiveIntParam.optional(),
});
const replayBody = z.strictObject({ since: z.iso.datetime({ offset: true }) });

export const endpointSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.enum(EVENT_TYPES)).describe('Empty: every event type'),
  state: z.enum(['active', 'disabled']),
  disabledReason: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const deliverySchema = z.object({
  id: z.number().int(),
  endpointId: z.number().int(),
  eventId: z.string(),
  eventType: z.string(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});

export function registerWebhookRoutes(app: FastifyInstance, deps: HttpDeps, delivery: DeliveryHttpDeps): void {
  const admin = requireApiToken(deps.verifyToken, 'admin');
  const { deliverer } = delivery;
  const adminDeps: WebhookAdminDeps = { endpoints: deliverer.endpoints, audit: delivery.audit, policy: delivery.policy };
  const tags = ['webhooks'];

  app.post(
    '/api/webhooks',
    {
      onRequest: admin,
      ...routeDoc({
        tags,
        summary: 'Add a webhook endpoint; the answer carries its signing secret, shown only now',
        auth: 'admin',
        body: createBody,
        response: { 201: endpointSchema.extend({ secret: z.string() }) },
        errors: [400],
      }),
    },
    async (request, reply) => {
      const body = parseOr400(createBody, request.body, reply, 'body');
      if (!body) return reply;
      const { endpoint, secret } = await addWebhook(
        adminDeps,
        { url: body.url, events: body.events ?? [], description: body.description ?? '' },
        apiActor(deps.db, request),
      );
      request.log.info({ webhookId: endpoint.id }, 'webhook endpoint added');
      return reply.code(201).send({ ...endpoint, secret });
    },
  );

  app.get(
    '/api/webhooks',
    {
      onRequest: admin,
      ...routeDoc({
        tags,
        summary: 'List webhook endpoints (never their secrets)',
        auth: 'admin',
        response: { 200: z.object({ webhooks: z.array(endpointSchema) }) },
      }),
    },
    async () => ({ webhooks: deliverer.endpoints.list() }),
  );

  app.delete(
    '/api/webhooks/:id',
    {
      onRequest: admin,
      ...routeDoc({
        tags,
        summary: 'Remove a webhook endpoint and its deliveries',
        auth: 'admin',
        params: idParams,
        response: { 200: z.object({ id: z.number(), removed: z.boolean() }) },
        errors: [400, 404],
      }),
    },
    async (request, reply) => {
      const p = parseOr400(idParams, request.params, reply, 'path');
      if (!p) return reply;
      removeWebhook(adminDeps, p.id, apiActor(deps.db, request));
      return { id: p.id, removed: true };
    },
  );

  app.post(
    '/api/webhooks/:id/rotate-secret',
    {
      onRequest: admin,
      ...routeDoc({
        tags,
        summary: 'Replace the signing secret; the new one is shown only now',
        auth: 'admin',
        params: idParams,
        response: { 200: z.object({ id: z.number(), secret: z.string() }) },
        errors: [400, 404],
      }),
    },
    async (request, reply) => {
      const p = parseOr400(idParams, request.params, reply, 'path');
      if (!p) return reply;
      return { id: p.id, secret: rotateWebhookSecret(adminDeps, p.id, apiActor(deps.db, request)) };
    },
  );

  app.get(
    '/api/webhooks/:id/deliveries',
    {
      onRequest: admin,
      ...routeDoc({
        tags,
        summary: "An endpoint's deliveries, newest first; ?status=failed lists the dead letters",
        auth: 'admin',
        params: idParams,
        querystring: deliveriesQuery,
        response: { 200: z.object({ deliveries: z.array(deliverySchema) }) },
        errors: [400, 404],
      }),
    },
    async (request, reply) => {
      const p = parseOr400(idParams, request.params, reply, 'path');
      const q = p && parseOr400(deliveriesQuery, request.query, reply, 'query');
      if (!p || !q) return reply;
      if (!deliverer.endpoints.get(p.id)) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no webhook endpoint with id ${p.id}`);
      return { deliveries: deliverer.deliveries.list(p.id, q.status, q.limit, q.before) };
    },
  );

  app.post(
    '/api/deliveries/:id/retry',
    {
      onRequest: admin,
      ...routeDoc({
        tags,
        summary: 'Send one delivery again (a dead letter, or one the receiver lost)',
        auth: 'admin',
        params: idParams,
        response: { 202: z.object({ id: z.number(), state: z.literal('pending') }) },
        errors: [400, 404],
      }),
    },
    async (request, reply) => {
      const p = parseOr400(idParams, request.params, reply, 'path');
      if (!p) return reply;
      if (!deliverer.deliveries.retry(p.id)) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no delivery with id ${p.id}`);
      delivery.audit.record({ actor: apiActor(deps.db, request), action: 'webhook.delivery_retried', subjectRef: `delivery:${p.id}` });
      deliverer.kick();
      return reply.code(202).send({ id: p.id, state: 'pending' as const });
    },
  );

  app.post(
    '/api/webhooks/:id/replay',
    {
      onRequest: admin,
      ...routeDoc({
        tags,
        summary: 'Send every event since a time to the endpoint again, in order',
        auth: 'admin',
        params: idParams,
        body: replayBody,
        response: { 202: z.object({ id: z.number(), replayed: z.number().int() }) },
        errors: [400, 404],
      }),
    },
    async (request, reply) => {
      const p = parseOr400(idParams, request.params, reply, 'path');
      const body = p && parseOr400(replayBody, request.body, reply, 'body');
      if (!p || !body) return reply;
      const route = deliverer.endpoints.activeRoutes().find((r) => r.id === p.id);
      if (!route) return sendError(reply, 'INTAKE_ERR_NOT_FOUND', `no active webhook endpoint with id ${p.id}`);
      const replayed = deliverer.deliveries.replaySince(route, Date.parse(body.since));
      delivery.audit.record({
        actor: apiActor(deps.db, request),
        action: 'webhook.replayed',
        subjectRef: `webhook:${p.id}`,
        detail: { since: body.since, replayed },
      });
      deliverer.kick();
      return reply.code(202).send({ id: p.id, replayed });
    },
  );
}
