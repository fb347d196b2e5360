// The documentation of the routes that predate the OpenAPI document, keyed by method and URL
// and applied as each route is added (so their files stay as they were). Query and body
// shapes are the very zod objects those handlers validate with; a route missing here and
// declaring no schema of its own fails the OpenAPI test.
import { z } from 'zod';
import { listQuery as ticketListQuery } from '../ticket-routes.js';
import { connectBody, deleteQuery, imapAccountBody } from '../mailbox-routes.js';
import { listQuery as quarantineListQuery, verdictBody } from '../review-routes.js';
import { createBody as tokenCreateBody } from '../token-routes.js';
import type { RouteDoc } from './route-doc.js';

const id = z.strictObject({ id: z.coerce.number().int().positive() });
const anyObject = { type: 'object', additionalProperties: true };
const person = z.object({ address: z.string(), name: z.string() });
const ticketSummary = z.object({
  id: z.number().int(),
  mailboxId: z.number().int(),
  subject: z.string(),
  status: z.enum(['open', 'pending', 'closed', 'spam']),
  needsReview: z.boolean(),
  messageCount: z.number().int(),
  requester: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string().describe('Last activity: a new message or a status change'),
});
const ticketMessage = z.object({
  id: z.number().int(),
  traceId: z.string().nullable().describe('Follows the message through its events, deliveries and log lines'),
  providerMessageId: z.string(),
  from: person,
  to: z.array(person),
  cc: z.array(person),
  subject: z.string(),
  sentAt: z.string().nullable(),
  receivedAt: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  spam: z
    .object({ verdict: z.string(), score: z.number().nullable(), evidence: z.array(z.object({ token: z.string(), weight: z.number() })) })
    .nullable(),
  problems: z.array(z.string()),
  attachments: z.array(
    z.object({
      id: z.number().int(),
      filename: z.string(),
      contentType: z.string(),
      size: z.number().int(),
      sha256: z.string(),
      stored: z.boolean(),
    }),
  ),
});
const tokenInfo = z.object({
  id: z.number().int(),
  name: z.string(),
  scope: z.enum(['admin', 'agent']),
  createdAt: z.string(),
  createdBy: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const markResult = anyObject;
const page = (summary: string, extra: Partial<RouteDoc> = {}): RouteDoc => ({
  tags: ['admin page'],
  summary,
  auth: 'session',
  response: { 200: 'html', 303: 'redirect' },
  ...extra,
});
const form = (summary: string, extra: Partial<RouteDoc> = {}): RouteDoc => ({
  tags: ['admin page'],
  summary: `${summary} (an HTML form post with the session's _csrf field)`,
  auth: 'session',
  body: z.object({ _csrf: z.string() }).catchall(z.string()),
  response: { 303: 'redirect' },
  errors: [403],
  ...extra,
});

export const ROUTE_CATALOGUE: Record<string, RouteDoc> = {
  'GET /healthz': { tags: ['operations'], summary: 'The process is alive', response: { 200: z.object({ status: z.literal('ok') }) } },
  'GET /readyz': {
    tags: ['operations'],
    summary: 'Store, queue and each mailbox: 200 when ready, 503 while starting, shutting down or broken',
    response: { 200: anyObject, 503: anyObject },
  },
  'GET /metrics': { tags: ['operations'], summary: 'Prometheus metrics', response: { 200: 'text' } },
  'GET /api/tickets': {
    tags: ['tickets'],
    summary: 'A page of tickets: by id (keyset), or by last activity with order=activity / updatedSince',
    auth: 'agent',
    querystring: ticketListQuery,
    response: { 200: z.object({ tickets: z.array(ticketSummary), next: z.string().nullable().describe('The next page, or null') }) },
    errors: [400],
  },
  'GET /api/tickets/:id': {
    tags: ['tickets'],
    summary: 'One ticket with its messages and attachment metadata',
    auth: 'agent',
    params: id,
    response: { 200: ticketSummary.extend({ messages: z.array(ticketMessage) }) },
    errors: [400, 404],
  },
  'GET /api/mailboxes': {
    tags: ['mailboxes'],
    summary: 'Connected mailboxes and their sync health',
    auth: 'admin',
    response: { 200: z.object({ mailboxes: z.array(z.object({}).loose()) }) },
  },
  'POST /api/mailboxes/connect': {
    tags: ['mailboxes'],
    summary: "Start connecting a mailbox: the answer is Google's consent URL",
    auth: 'admin',
    body: connectBody,
    response: { 200: z.object({ authUrl: z.string() }) },
    errors: [400],
  },
  'POST /api/mailboxes/imap': {
    tags: ['mailboxes'],
    summary: 'Add an IMAP mailbox that signs in with a password (any server); the sign-in is checked before anything is stored',
    auth: 'admin',
    body: imapAccountBody,
    response: { 200: anyObject, 201: anyObject },
    errors: [400, 409, 503],
  },
  'DELETE /api/mailboxes/:id': {
    tags: ['mailboxes'],
    summary: 'Disconnect a mailbox: revoke at Google, delete its OAuth data (and, if asked, its tickets)',
    auth: 'admin',
    params: id,
    querystring: deleteQuery,
    response: { 200: anyObject },
    errors: [400, 404],
  },
  'GET /oauth/callback': {
    tags: ['mailboxes'],
    summary: "Google's redirect after consent; answers an HTML page saying what happened",
    querystring: z.object({ code: z.string().optional(), state: z.string().optional(), error: z.string().optional() }).loose(),
    response: { 200: 'html', 303: 'redirect', 400: 'html' },
  },
  'PUT /api/messages/:id/verdict': {
    tags: ['spam'],
    summary: "An agent's verdict on a ticket message: the filter learns it",
    auth: 'agent',
    params: id,
    body: verdictBody,
    response: { 200: markResult },
    errors: [400, 404],
  },
  'GET /api/messages/:id/explain': {
    tags: ['spam'],
    summary: 'Why the filter judged a message as it did',
    auth: 'agent',
    params: id,
    response: { 200: z.object({ verdict: z.string().nullable(), score: z.number().nullable(), evidence: z.array(z.unknown()) }) },
    errors: [400, 404],
  },
  'GET /api/quarantine': {
    tags: ['spam'],
    summary: 'Messages held as spam, newest first',
    auth: 'agent',
    querystring: quarantineListQuery,
    response: { 200: z.object({ quarantined: z.array(z.object({}).loose()) }) },
    errors: [400],
  },
  'POST /api/quarantine/:id/release': {
    tags: ['spam'],
    summary: 'Release a held message into a ticket (the filter learns it as not spam)',
    auth: 'agent',
    params: id,
    response: { 200: anyObject },
    errors: [400, 404],
  },
  'POST /api/quarantine/:id/confirm': {
    tags: ['spam'],
    summary: 'Confirm a held message as spam (the filter learns it)',
    auth: 'agent',
    params: id,
    response: { 200: markResult },
    errors: [400, 404],
  },
  'GET /api/tokens': {
    tags: ['tokens'],
    summary: 'API tokens (never the tokens themselves)',
    auth: 'admin',
    response: { 200: z.object({ tokens: z.array(tokenInfo) }) },
  },
  'POST /api/tokens': {
    tags: ['tokens'],
    summary: 'Create an API token; the answer carries it, shown only now',
    auth: 'admin',
    body: tokenCreateBody,
    response: { 201: tokenInfo.extend({ token: z.string() }) },
    errors: [400],
  },
  'DELETE /api/tokens/:id': {
    tags: ['tokens'],
    summary: 'Revoke an API token',
    auth: 'admin',
    params: id,
    response: { 200: z.object({ id: z.number(), revoked: z.boolean(), alreadyRevoked: z.boolean() }) },
    errors: [400, 404],
  },
  'GET /admin/assets/admin.css': {
    tags: ['admin page'],
    summary: "The admin page's stylesheet",
    response: { 200: { type: 'string', description: 'text/css' } },
  },
  'GET /admin/login': page('The sign-in page'),
  'POST /admin/login': form('Sign in with username, password and a TOTP or recovery code', {
    auth: 'none',
    response: { 303: 'redirect', 401: 'html', 429: 'html' },
  }),
  'POST /admin/logout': form('Sign out'),
  'GET /admin': page('Mailboxes: health, connect, add IMAP, disconnect'),
  'POST /admin/mailboxes/connect': form("Connect a mailbox (redirects to Google's consent screen)"),
  'POST /admin/mailboxes/imap': form('Add an IMAP mailbox with a password (signed in first; redirects back with a notice)'),
  'POST /admin/mailboxes/:id/disconnect': form('Disconnect a mailbox', { params: id }),
  'GET /admin/mailboxes/:id/preview': page('Preview what a backfill choice would import for a mailbox that waits for it', {
    params: id,
    querystring: z.object({ backfill: z.string().optional(), backfillDays: z.string().optional() }),
    response: { 200: 'html', 303: 'redirect', 400: 'html', 502: 'html', 503: 'html' },
  }),
  'POST /admin/mailboxes/:id/backfill': form('Confirm (or change) the backfill choice and start the first import', { params: id }),
  'GET /admin/quarantine': page('The spam quarantine'),
  'POST /admin/quarantine/:id/release': form('Release a held message', { params: id }),
  'POST /admin/quarantine/:id/confirm': form('Confirm a held message as spam', { params: id }),
  'GET /admin/tickets': page('Tickets, newest first', { querystring: z.object({ after: z.string().optional() }) }),
  'GET /admin/tickets/:id': page('One ticket with its messages', { params: id, response: { 200: 'html', 303: 'redirect', 404: 'html' } }),
  'POST /admin/messages/:id/verdict': form('Mark a ticket message spam or not spam', { params: id }),
  'GET /admin/attachments/:id': page('Download one attachment of a ticket message (always as a download, never rendered)', {
    params: id,
    response: { 200: { type: 'string', description: 'the attachment bytes' }, 303: 'redirect' },
    errors: [404],
  }),
  'GET /admin/suppressed': page('Machine mail the guard held back, with release and check-again', {
    querystring: z.object({ done: z.string().optional() }),
  }),
  'POST /admin/suppressed/:id/release': form('Release held machine mail into a ticket (guard and loop breaker overridden)', { params: id }),
  'POST /admin/suppressed/:id/replay': form('Check held machine mail again under the current rules', { params: id }),
  'GET /admin/jobs': page('Failed jobs and poison entries, with retry', { querystring: z.object({ done: z.string().optional() }) }),
  'POST /admin/jobs/retry-all': form('Retry every failed job and poison entry'),
  'POST /admin/jobs/:id/retry': form('Retry one failed job or poison entry', { params: z.object({ id: z.string() }) }),
  'GET /admin/privacy': page('Erase or export a data subject'),
  'POST /admin/privacy/erase/preview': form('Preview what erasing an address would delete', { response: { 200: 'html', 400: 'html' } }),
  'POST /admin/privacy/erase': form('Erase an address (typed confirmation)', { response: { 200: 'html', 303: 'redirect', 400: 'html' } }),
  'POST /admin/privacy/export': form('Download everything held about an address', {
    response: { 200: { type: 'string', description: 'a tar archive' }, 400: 'html' },
  }),
  'GET /admin/retention': page('Retention settings, dry run and run'),
  'POST /admin/retention/run': form('Run retention now (or as a dry run)', { response: { 200: 'html', 303: 'redirect' } }),
  'GET /admin/audit': page('The audit trail with its chain check'),
  'GET /admin/inventory': page('What Intake stores, table by table'),
};
