// Refuses requests from outside http.allowlist with 403 before any route runs. The
// liveness and readiness probes stay reachable from anywhere: orchestrators probe from
// node addresses operators rarely know, and both answer without personal data. Gmail push
// comes from Google's addresses and proves itself with its token instead.
import type { FastifyInstance } from 'fastify';
import type { IpAllowlist } from '../../auth/ip-allowlist.js';
import { sendError } from '../error-reply.js';

export const ALLOWLIST_EXEMPT_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/push/gmail']);

export function registerAllowlist(app: FastifyInstance, allowlist: IpAllowlist): void {
  if (allowlist.open) return;
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (ALLOWLIST_EXEMPT_PATHS.has(path) || allowlist.allows(request.ip)) return;
    request.log.warn({ ip: request.ip, path }, 'request from outside the allowlist refused');
    await sendError(reply, 'INTAKE_ERR_IP_NOT_ALLOWED', 'this address is not in http.allowlist');
  });
}
