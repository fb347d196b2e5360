// The dead letters page's routes: the list, and replaying one entry or all of them through
// the same path as the REST API (post/redirect/get).
import type { FastifyInstance } from 'fastify';
import { listDeadLetters, retryAllDeadLetters, retryDeadLetter, type DeadLetterDeps } from '../../jobs/dead-letters.js';
import type { AdminDeps } from './admin-deps.js';
import { currentSession, requireSession } from './admin-guard.js';
import { queryParam, sendPage } from './page-parts.js';
import { DEAD_LETTERS_PATH, deadLettersPage } from './dead-letters-page.js';

const SHOWN = 200;

export function registerDeadLettersPageRoutes(app: FastifyInstance, deps: DeadLetterDeps, admin: AdminDeps): void {
  const guard = requireSession(admin);

  app.get(DEAD_LETTERS_PATH, { preHandler: guard }, async (request, reply) => {
    const dead = await listDeadLetters(deps, { limit: SHOWN });
    return sendPage(reply, deadLettersPage(dead, currentSession(request).csrfToken, queryParam(request.query, 'done')));
  });

  app.post(`${DEAD_LETTERS_PATH}/retry-all`, { preHandler: guard }, async (request, reply) => {
    const counts = await retryAllDeadLetters(deps);
    request.log.info(counts, 'dead letters replayed from the admin page');
    return reply.redirect(`${DEAD_LETTERS_PATH}?done=all`, 303);
  });

  app.post<{ Params: { id: string } }>(`${DEAD_LETTERS_PATH}/:id/retry`, { preHandler: guard }, async (request, reply) => {
    const outcome = await retryDeadLetter(deps, request.params.id);
    return reply.redirect(`${DEAD_LETTERS_PATH}?done=${outcome === 'retried' ? 'retried' : 'gone'}`, 303);
  });
}
