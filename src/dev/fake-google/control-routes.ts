// The fake's own control API under /_fake/ (not Google): lets the demo and
// out-of-process tests deliver mail, play the user and configure Pub/Sub push
// (POST /_fake/push {topicName, endpoint, audience?, serviceAccountEmail?, subscription?},
// POST /_fake/push-drop?drop=true|false) without importing us.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-io.js';
import { ensureUser, mailboxFor, type FakeState } from './state.js';
import type { DeliverOptions, FakePushSubscription } from './types.js';

type Control = (s: FakeState, email: string, url: URL, req: IncomingMessage) => Promise<unknown>;

const CONTROLS: Record<string, Control> = {
  '/_fake/deliver': async (s, email, url, req) => {
    const raw = await readBody(req);
    const opts: DeliverOptions = {};
    const labels = url.searchParams.getAll('labelIds');
    if (labels.length) opts.labelIds = labels;
    const date = url.searchParams.get('internalDate');
    if (date) opts.internalDate = Number(date);
    return ensureUser(s, email).deliver(raw, opts);
  },
  '/_fake/users': async (s, email, url) => {
    ensureUser(s, email, url.searchParams.get('name') ?? undefined);
    return { email };
  },
  '/_fake/expire-history': async (s, email) => {
    const box = ensureUser(s, email);
    box.expireHistory();
    return { historyId: String(box.historyId) };
  },
  '/_fake/revoke-user': async (s, email) => {
    s.store.revokeAllForUser(email);
    return {};
  },
  '/_fake/delete-message': async (s, email, url) => ({
    deleted: mailboxFor(s, email)?.deleteMessage(url.searchParams.get('id') ?? '') ?? false,
  }),
};

type PushControl = (s: FakeState, url: URL, req: IncomingMessage) => Promise<unknown>;

const PUSH_CONTROLS: Record<string, PushControl> = {
  '/_fake/push': async (s, _url, req) => {
    const sub = JSON.parse((await readBody(req)).toString('utf8')) as Partial<FakePushSubscription>;
    if (typeof sub.topicName !== 'string' || typeof sub.endpoint !== 'string') throw new Error('topicName and endpoint are required');
    s.push.subscribe({ ...sub, topicName: sub.topicName, endpoint: sub.endpoint });
    return { topicName: sub.topicName };
  },
  '/_fake/push-drop': async (s, url) => {
    const drop = url.searchParams.get('drop') !== 'false';
    s.push.setDropping(drop);
    return { dropping: drop };
  },
};

/** Returns false when the path is not a control route. */
export async function routeControl(s: FakeState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const push = PUSH_CONTROLS[url.pathname];
  const control = CONTROLS[url.pathname];
  if (!control && !push) return false;
  if (req.method !== 'POST') {
    req.resume();
    sendJson(res, 405, { error: 'method_not_allowed' });
    return true;
  }
  if (push) {
    try {
      sendJson(res, 200, await push(s, url, req));
    } catch (err) {
      sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
    }
    return true;
  }
  const email = url.searchParams.get('email');
  if (!control || !email) {
    sendJson(res, 400, { error: 'missing email query parameter' });
    return true;
  }
  try {
    sendJson(res, 200, await control(s, email, url, req));
  } catch (err) {
    sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
  }
  return true;
}
