// The fake's own control API under /_fake/ (not Google): lets the demo and
// out-of-process tests deliver mail and play the user without importing us.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-io.js';
import { ensureUser, mailboxFor, type FakeState } from './state.js';
import type { DeliverOptions } from './types.js';

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

/** Returns false when the path is not a control route. */
export async function routeControl(s: FakeState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const control = CONTROLS[url.pathname];
  if (!control) return false;
  if (req.method !== 'POST') {
    sendJson(res, 405, { error: 'method_not_allowed' });
    return true;
  }
  const email = url.searchParams.get('email');
  if (!email) {
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
