// Routing for /gmail/v1/users/{userId}/...: matches a method + path to its
// scope class, quota cost and handler, runs the auth gate, then the handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidArgument, notFound } from './errors.js';
import { authorizeGmail, quotaExceeded, type GmailCaller } from './gmail-auth.js';
import { createLabel, deleteLabel, getLabel, listLabels } from './gmail-labels.js';
import { stop, watch } from './gmail-watch.js';
import { batchModify, getAttachment, getMessage, getProfile, listMessages, modifyMessage, type Reply } from './gmail-messages.js';
import { listHistory } from './history-view.js';
import { parseJsonBody, readBody, sendEmpty, sendJson } from './http-io.js';
import type { GmailMethod } from './quota.js';
import type { GmailMethodClass } from './scopes.js';
import type { FakeState } from './state.js';

interface Call {
  s: FakeState;
  caller: GmailCaller;
  params: string[];
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
}

interface Route {
  method: string;
  path: RegExp;
  op: GmailMethod;
  cls: GmailMethodClass;
  run: (c: Call) => Reply;
}

const p = (c: Call, i: number): string => c.params[i] ?? '';

const ROUTES: Route[] = [
  { method: 'GET', path: /^\/profile$/, op: 'getProfile', cls: 'profile', run: (c) => getProfile(c.caller) },
  { method: 'GET', path: /^\/messages$/, op: 'messages.list', cls: 'read', run: (c) => listMessages(c.caller, c.query) },
  {
    method: 'POST',
    path: /^\/messages\/batchModify$/,
    op: 'messages.batchModify',
    cls: 'modify',
    run: (c) => batchModify(c.caller, c.body),
  },
  { method: 'GET', path: /^\/messages\/([^/]+)$/, op: 'messages.get', cls: 'read', run: (c) => getMessage(c.caller, p(c, 0), c.query) },
  {
    method: 'POST',
    path: /^\/messages\/([^/]+)\/modify$/,
    op: 'messages.modify',
    cls: 'modify',
    run: (c) => modifyMessage(c.caller, p(c, 0), c.body),
  },
  {
    method: 'GET',
    path: /^\/messages\/([^/]+)\/attachments\/([^/]+)$/,
    op: 'messages.attachments.get',
    cls: 'read',
    run: (c) => getAttachment(c.caller, p(c, 0), p(c, 1)),
  },
  {
    method: 'GET',
    path: /^\/history$/,
    op: 'history.list',
    cls: 'read',
    run: (c) => {
      const r = listHistory(c.caller.box, c.query);
      return 'status' in r ? (r as Reply) : { status: 200, body: r };
    },
  },
  { method: 'GET', path: /^\/labels$/, op: 'labels.list', cls: 'labelsRead', run: (c) => listLabels(c.caller) },
  { method: 'POST', path: /^\/labels$/, op: 'labels.create', cls: 'labelsWrite', run: (c) => createLabel(c.caller, c.body) },
  { method: 'GET', path: /^\/labels\/([^/]+)$/, op: 'labels.get', cls: 'labelsRead', run: (c) => getLabel(c.caller, p(c, 0)) },
  { method: 'DELETE', path: /^\/labels\/([^/]+)$/, op: 'labels.delete', cls: 'labelsWrite', run: (c) => deleteLabel(c.caller, p(c, 0)) },
  { method: 'POST', path: /^\/watch$/, op: 'watch', cls: 'read', run: (c) => watch(c.s.push, c.s.watchTtlMs, c.caller, c.body) },
  { method: 'POST', path: /^\/stop$/, op: 'stop', cls: 'read', run: (c) => stop(c.s.push, c.caller) },
];

function findRoute(method: string, sub: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.path.exec(sub);
    if (m) return { route, params: m.slice(1).map((x) => decodeURIComponent(x)) };
  }
  return undefined;
}

const PREFIX = /^\/gmail\/v1\/users\/([^/]+)(\/.*)$/;

/** One Gmail call, whether it came as its own HTTP request or as a part of a batch. */
export interface GmailRequest {
  method: string;
  url: URL;
  authorization: string | undefined;
  body: Buffer;
}

export function isGmailPath(pathname: string): boolean {
  return PREFIX.test(pathname);
}

/** Google's answer to one Gmail call: auth gate, quota (units and the per-user concurrency), handler. */
export async function gmailReply(s: FakeState, r: GmailRequest): Promise<Reply> {
  const m = PREFIX.exec(r.url.pathname);
  if (!m?.[1] || !m[2]) return notFound();
  const found = findRoute(r.method, m[2]);
  if (!found) return notFound(); // Google answers unknown methods and paths alike with 404
  const { route, params } = found;
  const caller = authorizeGmail(s, r.authorization, r.url, decodeURIComponent(m[1]), route.cls, route.op);
  if ('status' in caller) return caller;
  const body = parseJsonBody(r.body);
  if (r.method === 'POST' && body === undefined) return invalidArgument('Invalid JSON payload received.');
  const user = caller.email.toLowerCase();
  if (!s.quota.enter(caller.clientId, user)) {
    s.faults.refusals.concurrency++;
    return quotaExceeded(429, { kind: 'concurrency', waitMs: 0 });
  }
  try {
    const reply = route.run({ s, caller, params, query: r.url.searchParams, body });
    if (s.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, s.latencyMs));
    return reply;
  } finally {
    s.quota.leave(caller.clientId, user);
  }
}

/** Returns false when the path is not under /gmail/v1/users/. */
export async function routeGmail(s: FakeState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (!isGmailPath(url.pathname)) return false;
  const method = req.method ?? 'GET';
  const body = method === 'POST' ? await readBody(req) : (req.resume(), Buffer.alloc(0));
  send(res, await gmailReply(s, { method, url, authorization: req.headers.authorization, body }));
  return true;
}

export function send(res: ServerResponse, reply: Reply): void {
  if (reply.status === 204) return sendEmpty(res, 204);
  sendJson(res, reply.status, reply.body, 'headers' in reply ? reply.headers : {});
}
