// What an admin does to webhook endpoints, shared by the REST API, the CLI and the admin page:
// the URL checked against the SSRF policy (its form, then every address its host resolves to),
// each change audited with who made it. Secrets are returned only here, once.
import { IntakeError } from '../errors/intake-error.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { EventType } from '../store/event-repo.js';
import { checkResolvedHost } from './http-sender.js';
import { checkWebhookUrl, type UrlPolicy } from './url-guard.js';
import type { WebhookEndpoint, WebhookRepo } from './webhook-repo.js';

export interface WebhookAdminDeps {
  endpoints: WebhookRepo;
  audit: AuditRepo;
  policy: UrlPolicy;
}

export async function validateWebhookUrl(url: string, policy: UrlPolicy): Promise<void> {
  const checked = checkWebhookUrl(url, policy);
  if (!checked.ok) throw new IntakeError('INTAKE_ERR_WEBHOOK_URL', `webhook URL refused: ${checked.reason}`);
  if (checked.target.literal || checked.target.host === 'localhost') return;
  const refusal = await checkResolvedHost(checked.target.host, policy);
  if (refusal) throw new IntakeError('INTAKE_ERR_WEBHOOK_URL', `webhook URL refused: ${refusal}`);
}

export async function addWebhook(
  deps: WebhookAdminDeps,
  input: { url: string; events: EventType[]; description: string },
  actor: string,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  await validateWebhookUrl(input.url, deps.policy);
  const created = deps.endpoints.create({ ...input, createdBy: actor });
  deps.audit.record({ actor, action: 'webhook.created', subjectRef: `webhook:${created.endpoint.id}`, detail: { events: input.events } });
  return created;
}

export function removeWebhook(deps: WebhookAdminDeps, id: number, actor: string): void {
  if (!deps.endpoints.remove(id)) throw new IntakeError('INTAKE_ERR_NOT_FOUND', `no webhook endpoint with id ${id}`);
  deps.audit.record({ actor, action: 'webhook.removed', subjectRef: `webhook:${id}` });
}

export function rotateWebhookSecret(deps: WebhookAdminDeps, id: number, actor: string): string {
  const secret = deps.endpoints.rotateSecret(id);
  if (!secret) throw new IntakeError('INTAKE_ERR_NOT_FOUND', `no webhook endpoint with id ${id}`);
  deps.audit.record({ actor, action: 'webhook.secret_rotated', subjectRef: `webhook:${id}` });
  return secret;
}
