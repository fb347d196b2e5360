// Security headers on every response: a CSP that allows only our own stylesheet and form
// posts to ourselves and to Google's consent page, no framing, no referrer, no sniffing,
// and HSTS when Intake itself serves HTTPS.
import type { FastifyInstance } from 'fastify';

export interface HeaderOptions {
  hsts: boolean;
  /** Origins a form may lead to: the connect form redirects to Google's consent screen. */
  formActionOrigins: string[];
}

export function contentSecurityPolicy(formActionOrigins: string[]): string {
  const formAction = ["'self'", ...formActionOrigins].join(' ');
  return `default-src 'none'; style-src 'self'; img-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;
}

export function registerSecurityHeaders(app: FastifyInstance, options: HeaderOptions): void {
  const csp = contentSecurityPolicy(options.formActionOrigins);
  app.addHook('onSend', async (_request, reply, payload) => {
    // A route with a stricter policy of its own (attachment downloads: sandbox) keeps it.
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', csp);
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (options.hsts) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    return payload;
  });
}
