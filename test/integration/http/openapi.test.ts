import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { registeredRoutes } from '../../../src/http/openapi/register-openapi.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/test-daemon.js';

type Operation = {
  tags?: string[];
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  parameters?: { schema?: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

// Ajv resolves the schema's `$dynamicRef: "#meta"` (a Schema Object) without its anchor, so it is
// read as what $defs/schema says it is, an object or boolean; each embedded schema is compiled below.
const OAS_SCHEMA = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/openapi/oas-3.1-schema-2022-10-07.json'), 'utf8').replaceAll(
    '"$dynamicRef": "#meta"',
    '"type": ["object", "boolean"]',
  ),
) as object;
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('the OpenAPI document', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;

  afterEach(async () => {
    await t?.close();
    await fake?.close();
  });

  it('GET /openapi.json: is a valid OpenAPI 3.1 document with every registered route, each with tags, schemas and its error envelope', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    const res = await fetch(`${t.daemon.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Document;
    expect(doc.openapi).toBe('3.1.0');

    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(OAS_SCHEMA);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);

    const routes = registeredRoutes(t.daemon.server).filter((r) => r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(30);
    const hidden = routes.filter((r) => r.hidden).map((r) => r.url);
    expect(
      hidden.every((url) => url.startsWith('/docs')),
      hidden.join(' '),
    ).toBe(true);
    for (const route of routes.filter((r) => !r.hidden)) {
      const op = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
      const where = `${route.method} ${route.url}`;
      expect(op, where).toBeDefined();
      expect(op?.tags?.length, where).toBeGreaterThan(0);
      const statuses = Object.keys(op?.responses ?? {});
      expect(
        statuses.some((s) => /^[23]/.test(s)),
        where,
      ).toBe(true);
      const error = op?.responses?.['500']?.content?.['application/json']?.schema as { properties?: { error?: unknown } } | undefined;
      expect(error?.properties?.error, `${where} documents its error envelope`).toBeDefined();
      // Every embedded schema is a JSON Schema Ajv can compile.
      const schemas = [
        ...(op?.parameters ?? []).map((p) => p.schema),
        ...Object.values(op?.requestBody?.content ?? {}).map((c) => c.schema),
        ...Object.values(op?.responses ?? {}).flatMap((r) => Object.values(r.content ?? {}).map((c) => c.schema)),
      ];
      for (const schema of schemas.filter(Boolean)) expect(() => ajv.compile(schema as object), where).not.toThrow();
    }
    // Query and body shapes are the ones the handlers enforce.
    const tickets = doc.paths['/api/tickets']?.get;
    expect(tickets?.parameters?.map((p) => (p as { name?: string }).name)).toEqual(
      expect.arrayContaining(['limit', 'after', 'updatedSince', 'order']),
    );
    const webhook400 = doc.paths['/api/webhooks']?.post?.responses?.['400'] as { description?: string } | undefined;
    expect(webhook400?.description).toContain('INTAKE_ERR_WEBHOOK_URL');
  });

  it('GET /docs/: serves the viewer under its own narrow CSP; the admin pages keep theirs', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    const docs = await fetch(`${t.daemon.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-initializer.js');
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    const admin = await fetch(`${t.daemon.url}/admin/login`);
    expect(admin.headers.get('content-security-policy')).not.toContain('script-src');
    expect(admin.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
