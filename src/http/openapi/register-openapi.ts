// The OpenAPI 3.1 document (@fastify/swagger collects every route's schema as it is added),
// served at /openapi.json, and the Swagger UI viewer at /docs. The admin CSP allows no script;
// /docs alone gets a CSP that lets the viewer run its own (same-origin) scripts and styles.
import type { FastifyInstance, RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { z } from 'zod';
import { ERROR_ENVELOPE, routeDoc, type RouteDoc } from './route-doc.js';
import { ROUTE_CATALOGUE } from './route-catalogue.js';

export const DOCS_PREFIX = '/docs';
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const registered = new WeakMap<FastifyInstance, { method: string; url: string; hidden: boolean }[]>();

/** Every route added after registerOpenApi, as fastify saw it (tests compare it with the document). */
export function registeredRoutes(app: FastifyInstance): { method: string; url: string; hidden: boolean }[] {
  return registered.get(app) ?? [];
}

/** Call before any route is added, so the document sees them all. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const routes: { method: string; url: string; hidden: boolean }[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route: RouteOptions) => {
    const method = [route.method].flat()[0] === 'HEAD' ? 'GET' : [route.method].flat()[0];
    const documented = ROUTE_CATALOGUE[`${method} ${route.url}`];
    if (documented && !route.schema) Object.assign(route, routeDoc(documented));
    else if (documented) mergeDocumentation(route, documented);
    else if (route.schema && !route.schema.hide) addErrorEnvelope(route);
    const hidden = Boolean(route.schema?.hide);
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, hidden });
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Intake',
        version: '1',
        description:
          'Gmail mailboxes as helpdesk tickets. Errors share one envelope, {"error":{"code","message"}}; the codes are listed in the README.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (agent or admin scope)' },
          session: { type: 'apiKey', in: 'cookie', name: 'intake_session', description: "The admin page's session" },
        },
      },
    },
  });
}

type JsonObject = Record<string, unknown>;

/** Without additionalProperties:false, so fastify's ajv (removeAdditional) strips nothing zod should refuse. */
function loosen(schema: unknown): JsonObject {
  const { additionalProperties: _ignored, ...rest } = (schema ?? {}) as JsonObject;
  return rest;
}

/**
 * A route that validates some parts with its own JSON Schema (ajv, e.g. strict decimal ids)
 * keeps them and its validator; the catalogue adds tags, responses and the parts it lacks,
 * property by property, for the document.
 */
function mergeDocumentation(route: RouteOptions, doc: RouteDoc): void {
  const documented = routeDoc(doc);
  const own = route.schema as JsonObject;
  const ours = documented.schema as JsonObject;
  const merged: JsonObject = { ...ours, ...own };
  for (const part of ['params', 'querystring', 'body']) {
    if (!ours[part]) continue;
    const theirs = own[part] as JsonObject | undefined;
    const base = loosen(ours[part]);
    merged[part] = theirs
      ? { ...base, ...theirs, properties: { ...(base.properties as JsonObject), ...(theirs.properties as JsonObject) } }
      : base;
  }
  route.schema = merged;
  route.serializerCompiler = documented.serializerCompiler;
}

/** A route documented by its own schema still answers errors in the one envelope: say so. */
function addErrorEnvelope(route: RouteOptions): void {
  const schema = route.schema as JsonObject;
  const response = { ...((schema.response as JsonObject | undefined) ?? {}) };
  for (const status of [400, 401, 403, 404, 500]) {
    response[String(status)] ??= { description: `Error (${status})`, ...ERROR_ENVELOPE };
  }
  route.schema = { ...schema, response };
}

export async function registerDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/openapi.json',
    routeDoc({
      tags: ['meta'],
      summary: 'This OpenAPI 3.1 document',
      response: { 200: { type: 'object', additionalProperties: true } },
    }),
    async () => app.swagger(),
  );
  await app.register(async (docs) => {
    // Runs after the app-wide security headers hook, and only for the viewer's own routes.
    docs.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', DOCS_CSP);
      return payload;
    });
    await docs.register(swaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { url: '/openapi.json', validatorUrl: null } });
  });
}

/** Shapes shared by the routes' documentation. */
export const idParam = z.strictObject({ id: z.coerce.number().int().positive() });
