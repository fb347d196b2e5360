// The webhooks page's routes: list, add (the secret is shown on the answer page, once), remove,
// rotate, retry a dead letter. The same webhook-admin service as the API and the CLI.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { DeliveryHttpDeps } from '../delivery-deps.js';
import { addWebhook, removeWebhook, rotateWebhookSecret, type WebhookAdminDeps } from '../../delivery/webhook-admin.js';
import { isEventType } from '../../delivery/webhook-repo.js';
import { isIntakeError } from '../../errors/intake-error.js';
import { routeDoc, type RouteDoc } from '../openapi/route-doc.js';
import type { AdminDeps } from './admin-deps.js';
import { adminActor, currentSession, formField, requireSession } from './admin-guard.js';
import { queryParam, sendPage } from './page-parts.js';
import { positiveIntParam } from '../validate.js';
import { webhookPage, type WebhookPageState } from './webhook-page.js';

const idParams = z.strictObject({ id: positiveIntParam });
const form = z.object({ _csrf: z.string() }).catchall(z.union([z.string(), z.array(z.string())]));
const doc = (summary: string, extra: Partial<RouteDoc> = {}) =>
  routeDoc({
    tags: ['admin page'],
    summary,
    auth: 'session',
    body: form,
    response: { 200: 'html', 303: 'redirect' },
    errors: [403],
    ...extra,
  });

export function registerWebhookPageRoutes(app: FastifyInstance, delivery: DeliveryHttpDeps, admin: AdminDeps): void {
  const guard = requireSession(admin);
  const deps: WebhookAdminDeps = { endpoints: delivery.deliverer.endpoints, audit: delivery.audit, policy: delivery.policy };
  const render = (request: FastifyRequest, reply: FastifyReply, state: WebhookPageState, status = 200) => {
    const views = deps.endpoints
      .list()
      .map((endpoint) => ({ endpoint, deadLetters: delivery.deliverer.deliveries.list(endpoint.id, 'failed', 20) }));
    return sendPage(reply, webhookPage(views, currentSession(request).csrfToken, state), status);
  };

  app.get(
    '/admin/webhooks',
    {
      preHandler: guard,
      ...routeDoc({
        tags: ['admin page'],
        summary: 'Webhook endpoints and their dead letters',
        auth: 'session',
        response: { 200: 'html', 303: 'redirect' },
      }),
    },
    async (request, reply) => render(request, reply, { done: queryParam(request.query, 'done') }),
  );

  app.post(
    '/admin/webhooks',
    {
      preHandler: guard,
      ...doc('Add a webhook endpoint; the answer page shows its secret once', { response: { 200: 'html', 400: 'html', 303: 'redirect' } }),
    },
    async (request, reply) => {
      const body = request.body as Record<string, unknown> | undefined;
      const events = [body?.events ?? []].flat().filter((e): e is string => typeof e === 'string');
      try {
        const { endpoint, secret } = await addWebhook(
          deps,
          {
            url: formField(request, 'url').trim(),
            events: events.filter(isEventType),
            description: formField(request, 'description').trim(),
          },
          adminActor(request),
        );
        return render(request, reply, { secret: { endpointId: endpoint.id, value: secret } });
      } catch (err) {
        if (!isIntakeError(err)) throw err;
        return render(request, reply, { error: err.message }, 400);
      }
    },
  );

  app.post(
    '/admin/webhooks/:id/rotate-secret',
    { preHandler: guard, ...doc("Rotate an endpoint's secret; the answer page shows it once", { params: idParams }) },
    async (request, reply) => {
      const p = idParams.safeParse(request.params);
      if (!p.success || !deps.endpoints.get(p.data.id)) return reply.redirect('/admin/webhooks', 303);
      return render(request, reply, {
        secret: { endpointId: p.data.id, value: rotateWebhookSecret(deps, p.data.id, adminActor(request)) },
      });
    },
  );

  app.post(
    '/admin/webhooks/:id/remove',
    { preHandler: guard, ...doc('Remove an endpoint', { params: idParams }) },
    async (request, reply) => {
      const p = idParams.safeParse(request.params);
      if (p.success && deps.endpoints.get(p.data.id)) removeWebhook(deps, p.data.id, adminActor(request));
      return reply.redirect('/admin/webhooks?done=removed', 303);
    },
  );

  app.post(
    '/admin/deliveries/:id/retry',
    { preHandler: guard, ...doc('Send a dead letter again', { params: idParams }) },
    async (request, reply) => {
      const p = idParams.safeParse(request.params);
      if (p.success && delivery.deliverer.deliveries.retry(p.data.id)) {
        delivery.audit.record({ actor: adminActor(request), action: 'webhook.delivery_retried', subjectRef: `delivery:${p.data.id}` });
        delivery.deliverer.kick();
      }
      return reply.redirect('/admin/webhooks?done=retried', 303);
    },
  );
}
