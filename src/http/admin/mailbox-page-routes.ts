// The admin page's mailbox routes: the list, "Connect Gmail" (a consent URL whose state
// is bound to this session), "Add an IMAP mailbox" (signed in before it is stored) and
// "Disconnect" (optionally deleting the tickets).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { positiveIntParam } from '../validate.js';
import type { HttpDeps } from '../http-deps.js';
import { mailboxHealth } from '../mailbox-health.js';
import { startOfUtcDay, ticketsCreatedSince } from '../../store/ticket-stats.js';
import type { AdminDeps } from './admin-deps.js';
import { currentSession, formField, requireSession } from './admin-guard.js';
import { mailboxListPage } from './mailbox-page.js';
import { choiceFromForm } from './backfill-page.js';
import { formatBackfillChoice, isChoiceError, parseBackfillChoice } from '../../sync/backfill-choice.js';
import { imapAccountBody } from '../mailbox-routes.js';
import { isIntakeError } from '../../errors/intake-error.js';

const idParams = z.strictObject({ id: positiveIntParam });
const IMAP_NOTICE: Partial<Record<string, string>> = {
  INTAKE_ERR_IMAP_LOGIN: 'imap_login_failed',
  INTAKE_ERR_IMAP_UNAVAILABLE: 'imap_unreachable',
  INTAKE_ERR_MAILBOX_EXISTS: 'imap_exists',
};
const loginHint = z.email();

export function registerMailboxPageRoutes(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps): void {
  const guard = requireSession(admin);

  app.get('/admin', { preHandler: guard }, async (request, reply) => {
    const today = ticketsCreatedSince(deps.db, startOfUtcDay());
    const views = deps.mailboxes.list().map((m) => ({
      health: mailboxHealth(m, deps.mailboxes.syncState(m.id), deps.pollIntervalSeconds),
      email: m.email,
      ticketsToday: today.get(m.id) ?? 0,
    }));
    const notice = (request.query as Record<string, string | undefined>).notice;
    return reply
      .type('text/html')
      .header('cache-control', 'no-store')
      .send(mailboxListPage(views, currentSession(request).csrfToken, notice, deps.backfillDefaults, deps.addImap !== undefined));
  });

  app.post('/admin/mailboxes/connect', { preHandler: guard }, async (request, reply) => {
    const hint = loginHint.safeParse(formField(request, 'loginHint').trim());
    const choice = parseBackfillChoice(choiceFromForm(formField(request, 'backfill'), formField(request, 'backfillDays')));
    const url = await deps.connector.begin({
      // IMAP asks Google for full mail access (the only scope Gmail's IMAP takes).
      source: formField(request, 'source') === 'imap' ? 'imap' : 'gmail',
      loginHint: hint.success ? hint.data : undefined,
      sessionRef: currentSession(request).ref,
      // An absent or malformed choice falls back to sync.backfill; the preview shows what it means.
      ...(isChoiceError(choice) ? {} : { backfill: formatBackfillChoice(choice) }),
      ...(formField(request, 'backfill') ? { preview: formField(request, 'preview') === 'on' } : {}),
      actor: `admin:${currentSession(request).adminId}`,
    });
    return reply.redirect(url, 303);
  });

  app.post('/admin/mailboxes/imap', { preHandler: guard }, async (request, reply) => {
    if (!deps.addImap) return reply.redirect('/admin', 303);
    const port = formField(request, 'port').trim();
    const optional = (name: string) => (formField(request, name).trim() ? { [name]: formField(request, name).trim() } : {});
    const parsed = imapAccountBody.safeParse({
      email: formField(request, 'email').trim(),
      host: formField(request, 'host').trim(),
      ...(port ? { port: Number(port) } : {}),
      ...optional('security'),
      ...optional('username'),
      ...optional('folder'),
      password: formField(request, 'password'),
    });
    if (!parsed.success) return reply.redirect('/admin?notice=imap_invalid', 303);
    try {
      const { backfill: _unused, ...account } = parsed.data;
      const result = await deps.addImap(account, `admin:${currentSession(request).adminId}`);
      deps.syncNow(result.mailbox.id);
      return reply.redirect('/admin?notice=imap_added', 303);
    } catch (err) {
      if (!isIntakeError(err)) throw err;
      const notice = IMAP_NOTICE[err.code];
      if (!notice) throw err;
      return reply.redirect(`/admin?notice=${notice}`, 303);
    }
  });

  app.post('/admin/mailboxes/:id/disconnect', { preHandler: guard }, async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success || !deps.mailboxes.get(params.data.id)) return reply.redirect('/admin', 303);
    const deleteTickets = formField(request, 'deleteTickets') === 'on';
    const { revoked } = await deps.disconnect(params.data.id, { deleteTickets, actor: `admin:${currentSession(request).adminId}` });
    return reply.redirect(`/admin?notice=${revoked ? (deleteTickets ? 'deleted' : 'disconnected') : 'revoke_pending'}`, 303);
  });
}
