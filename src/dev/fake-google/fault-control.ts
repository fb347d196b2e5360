// The fault levers of the control API, for tests that run the daemon as a process and
// cannot call injectFault() in-process: POST /_fake/faults {path, status, body?, times?,
// headers?} arms a fault (path is a regular expression source), POST /_fake/faults/clear
// disarms them, GET /_fake/counts?path=REGEX reads the request counter.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-io.js';
import type { FakeState } from './state.js';

interface FaultRequest {
  path?: unknown;
  status?: unknown;
  body?: unknown;
  times?: unknown;
  headers?: unknown;
}

/** Returns false when the path is not a fault control route. */
export async function routeFaultControl(s: FakeState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (url.pathname === '/_fake/counts' && req.method === 'GET') {
    const path = url.searchParams.get('path');
    sendJson(res, 200, { count: s.faults.count(path ? new RegExp(path) : undefined) });
    return true;
  }
  if (url.pathname === '/_fake/faults/clear' && req.method === 'POST') {
    req.resume();
    s.faults.clear();
    sendJson(res, 200, {});
    return true;
  }
  if (url.pathname !== '/_fake/faults' || req.method !== 'POST') return false;
  let f: FaultRequest;
  try {
    f = JSON.parse((await readBody(req)).toString('utf8')) as FaultRequest;
  } catch {
    sendJson(res, 400, { error: 'expected a JSON body {path, status, body?, times?, headers?}' });
    return true;
  }
  if (typeof f.path !== 'string' || typeof f.status !== 'number' || !Number.isInteger(f.status)) {
    sendJson(res, 400, { error: 'path (a regular expression source) and status (an integer) are required' });
    return true;
  }
  s.faults.inject({
    path: new RegExp(f.path),
    status: f.status,
    ...(f.body === undefined ? {} : { body: f.body }),
    ...(typeof f.times === 'number' ? { times: f.times } : {}),
    ...(typeof f.headers === 'object' && f.headers !== null ? { headers: f.headers as Record<string, string> } : {}),
  });
  sendJson(res, 200, { armed: true });
  return true;
}
