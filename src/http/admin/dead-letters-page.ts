// Renders the dead letters page: failed jobs and poison entries with their error code and
// message (never mail content), a replay form for each and one for all. Pure: data in, HTML out.
import type { DeadLetters } from '../../jobs/dead-letters.js';
import { poisonRef } from '../../jobs/dead-letters.js';
import { escapeHtml } from '../html.js';
import { adminPage, csrfField } from './layout.js';
import { flashLine, timeTag } from './page-parts.js';

export const DEAD_LETTERS_PATH = '/admin/jobs';

const DONE: Record<string, string> = {
  retried: 'Queued again: it runs through the same ingest path as new mail.',
  all: 'Every failed job and poison entry was queued again.',
  gone: 'That entry is no longer there (already replayed or removed).',
};

interface Row {
  ref: string;
  mailboxId: number | null;
  attempts: number;
  when: string | null;
  code: string;
  message: string;
}

export function deadLettersPage(dead: DeadLetters, csrfToken: string, done?: string): string {
  const rows: Row[] = [
    ...dead.jobs.map((j) => ({
      ref: j.id,
      mailboxId: j.mailboxId,
      attempts: j.attempts,
      when: j.failedAt,
      code: j.errorCode ?? '',
      message: j.errorMessage ?? '',
    })),
    ...dead.poison.map((p) => ({
      ref: poisonRef(p.id),
      mailboxId: p.mailboxId,
      attempts: p.attempts,
      when: p.updatedAt,
      code: p.errorCode,
      message: p.errorMessage,
    })),
  ];
  const body =
    rows.length === 0
      ? '<p class="muted" id="dead-letters-empty">Nothing failed: every message became a ticket or a quarantine entry.</p>'
      : `<form method="post" action="${DEAD_LETTERS_PATH}/retry-all">${csrfField(csrfToken)}<button type="submit" id="retry-all">Replay all</button></form>
<table id="dead-letters"><thead><tr><th>Id</th><th>Mailbox</th><th>Attempts</th><th>When</th><th>Error</th><th></th></tr></thead><tbody>
${rows.map((r) => rowHtml(r, csrfToken)).join('\n')}</tbody></table>`;
  return adminPage(
    'Failed jobs',
    `<h1>Failed jobs and poison entries</h1>${flashLine(done, DONE)}
<p class="muted">A failed job stopped retrying; a poison entry is a message that could be stored neither as a ticket nor as quarantined spam, kept with its raw bytes. Replaying runs either through the same ingest path as new mail: nothing is doubled.</p>
<section>${body}</section>`,
    { csrfToken, currentPath: DEAD_LETTERS_PATH },
  );
}

function rowHtml(r: Row, csrfToken: string): string {
  const action = `${DEAD_LETTERS_PATH}/${encodeURIComponent(r.ref)}/retry`;
  return `<tr data-dead-letter="${escapeHtml(r.ref)}"><td><code>${escapeHtml(r.ref)}</code></td><td>${r.mailboxId ?? '-'}</td><td>${r.attempts}</td>
<td>${timeTag(r.when)}</td><td><code>${escapeHtml(r.code)}</code> ${escapeHtml(r.message)}</td>
<td><form method="post" action="${escapeHtml(action)}">${csrfField(csrfToken)}<button type="submit">Replay</button></form></td></tr>`;
}
