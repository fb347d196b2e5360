// The node:http server: counts and fault-injects every request, then hands it
// to the control, OAuth or Gmail router; anything else is Google's 404.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { routeControl } from './control-routes.js';
import { routeFaultControl } from './fault-control.js';
import { faultBody, gmailError, notFound } from './errors.js';
import { routeGmail } from './gmail-routes.js';
import { routeBatch } from './gmail-batch.js';
import { BodyTooLarge, sendJson } from './http-io.js';
import { routeOAuth } from './oauth-routes.js';
import type { FakeState } from './state.js';

async function handle(s: FakeState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  // Fault levers are never themselves faulted or counted.
  if (url.pathname.startsWith('/_fake/') && (await routeFaultControl(s, req, res, url))) return;
  const fault = s.faults.onRequest(url.pathname, url.search);
  if (fault) {
    req.resume(); // drain the body so keep-alive connections stay usable
    return sendJson(res, fault.status, fault.body ?? faultBody(fault.status), fault.headers);
  }
  if (await routeControl(s, req, res, url)) return;
  if (await routeOAuth(s, req, res, url)) return;
  if (await routeGmail(s, req, res, url)) return;
  if (await routeBatch(s, req, res, url)) return;
  req.resume();
  const err = notFound();
  sendJson(res, err.status, err.body);
}

export function createFakeServer(s: FakeState): Server {
  return createServer((req, res) => {
    handle(s, req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      const reply =
        err instanceof BodyTooLarge
          ? gmailError(413, 'uploadTooLarge', 'Request payload size exceeds the limit')
          : gmailError(500, 'backendError', 'Backend Error');
      sendJson(res, reply.status, reply.body);
    });
  });
}
