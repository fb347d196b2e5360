// Builds the access-control parts the HTTP server needs from the core: admin accounts,
// sessions, API tokens (DB tokens and the bootstrap INTAKE_API_TOKEN), the cookie
// policy, and the plain-HTTP listener that redirects to HTTPS.
import { hkdfSync } from 'node:crypto';
import type { Core } from './core.js';
import { AdminRepo } from '../auth/admin-repo.js';
import { SessionRepo } from '../auth/session-repo.js';
import { ApiTokenRepo } from '../auth/api-token-repo.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import type { AdminDeps } from '../http/admin/admin-deps.js';
import { combineVerifiers, staticTokenVerifier, type TokenVerifier } from '../http/api-auth.js';
import { startHttpsRedirect } from '../http/security/https-redirect.js';

export function buildAdminDeps(core: Core): AdminDeps {
  const { config } = core;
  const auth = config.auth;
  return {
    admins: new AdminRepo(core.db, core.box),
    sessions: new SessionRepo(core.db, { idleMs: auth.sessionIdleMinutes * 60_000, absoluteMs: auth.sessionAbsoluteHours * 3_600_000 }),
    tokens: new ApiTokenRepo(core.db),
    throttle: new LoginThrottle(),
    settings: auth,
    audit: core.audit,
    subjectRef: core.subjectRef,
    // Behind a TLS-terminating proxy publicUrl is https even when Intake serves plain HTTP.
    cookies: { secure: Boolean(config.http.tls.certFile) || config.http.publicUrl.startsWith('https:') },
    formKey: Buffer.from(hkdfSync('sha256', core.macRoot, Buffer.alloc(0), 'intake login form v1', 32)),
  };
}

export function buildTokenVerifier(core: Core, admin: AdminDeps): TokenVerifier {
  return combineVerifiers((token) => admin.tokens.verify(token), staticTokenVerifier(core.config.secrets.apiToken));
}

/** Origins the admin page's forms may lead to: the consent screen of Google (or the fake). */
export function formActionOrigins(core: Core): string[] {
  return [new URL(core.config.google.endpoints.authUrl).origin];
}

export async function startRedirectListener(core: Core): Promise<void> {
  const { http } = core.config;
  if (!http.tls.certFile || http.tls.redirectHttpPort === 0) return;
  const server = await startHttpsRedirect(http.host, http.tls.redirectHttpPort, http.publicUrl);
  core.steps.add('https redirect', () => new Promise<void>((resolve) => server.close(() => resolve())));
  core.log.info({ port: http.tls.redirectHttpPort }, 'redirecting plain HTTP to HTTPS');
}

/** Who the audit log names for an API call: the token's id, or the bootstrap INTAKE_API_TOKEN. */
export function tokenActor(admin: AdminDeps, token: string): string {
  const id = admin.tokens.idOf(token);
  return id === null ? 'api_token:bootstrap' : `api_token:${id}`;
}
