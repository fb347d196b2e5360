// The admin's backfill pieces: the choice on the connect form, the progress line on a
// mailbox card, and the preview page (count and sample) with its confirm form. Pure: data in, HTML out.
import { escapeHtml } from '../html.js';
import type { BackfillPreview } from '../../sync/backfill-preview.js';
import type { BackfillProgress } from '../../sync/backfill-progress.js';
import { adminPage, csrfField } from './layout.js';

export function backfillFields(defaultChoice: string, previewFirst: boolean): string {
  const days = /^days:(\d+)$/.exec(defaultChoice)?.[1] ?? '30';
  const mode = defaultChoice.startsWith('days:') ? 'days' : defaultChoice;
  const option = (value: string, label: string) => `<option value="${value}"${mode === value ? ' selected' : ''}>${label}</option>`;
  return `<label for="backfill">Import existing mail</label><select id="backfill" name="backfill">
${option('all', 'All of it')}${option('days', 'The last N days')}${option('none', 'None: only new mail')}</select>
<label for="backfill-days">N days</label><input id="backfill-days" name="backfillDays" type="number" min="1" max="36500" value="${escapeHtml(days)}">
<label class="inline"><input type="checkbox" id="preview-first" name="preview" value="on"${previewFirst ? ' checked' : ''}> preview before importing</label>`;
}

/** The form's select + days field as the one choice string the parser reads. */
export function choiceFromForm(backfill: string, days: string): string {
  return backfill === 'days' ? `days:${days.trim()}` : backfill;
}

export function progressRow(p: BackfillProgress | null, mailboxId: number): string {
  if (!p) return '';
  if (p.phase === 'awaiting_confirm') {
    return `<dt>Import</dt><dd class="backfill-progress">waiting for you: <a class="preview-link" href="/admin/mailboxes/${mailboxId}/preview">preview and confirm (${escapeHtml(p.backfill)})</a></dd>`;
  }
  if (p.phase === 'resyncing') return '<dt>Import</dt><dd class="backfill-progress">relisting mail since the last good sync</dd>';
  const rate = p.ratePerSecond === null ? '' : `, ${p.ratePerSecond} msg/s`;
  const eta = p.etaSeconds ? `, about ${formatSeconds(p.etaSeconds)} left` : '';
  return `<dt>Import (${escapeHtml(p.backfill)})</dt><dd class="backfill-progress"><progress max="${p.total}" value="${p.imported}"></progress> ${p.imported} of ${p.total}${rate}${eta} — ${p.phase}</dd>`;
}

function formatSeconds(s: number): string {
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

export function previewPage(
  mailbox: { id: number; email: string },
  preview: BackfillPreview | null,
  choice: string,
  csrfToken: string,
  error?: string,
): string {
  const err = error ? `<p class="notice error" id="preview-error" role="alert">${escapeHtml(error)}</p>` : '';
  const s = preview?.sample;
  const result = preview
    ? `<section class="card" id="preview-result"><p><strong id="preview-count">${preview.count}${preview.exact ? '' : '+'}</strong> messages would be imported (${escapeHtml(preview.backfill)}).</p>
<p>Of the ${preview.sampled} newest: <span id="sample-ticket">${s?.ticket ?? 0}</span> look like new tickets, <span id="sample-reply">${s?.reply ?? 0}</span> like replies, <span id="sample-machine">${s?.machine ?? 0}</span> like machine mail, <span id="sample-spam">${s?.spam ?? 0}</span> like spam.</p></section>`
    : '';
  const days = /^days:(\d+)$/.exec(choice)?.[1] ?? '30';
  const mode = choice.startsWith('days:') ? 'days' : choice;
  const option = (value: string, label: string) => `<option value="${value}"${mode === value ? ' selected' : ''}>${label}</option>`;
  const select = `<select name="backfill">${option('all', 'All of it')}${option('days', 'The last N days')}${option('none', 'None: only new mail')}</select>
<input name="backfillDays" type="number" min="1" max="36500" value="${escapeHtml(days)}" aria-label="N days">`;
  return adminPage(
    'Preview import',
    `<h1>Import for ${escapeHtml(mailbox.email)}</h1>${err}${result}
<form method="get" action="/admin/mailboxes/${mailbox.id}/preview" class="card" id="preview-form">${select}<button type="submit">Preview</button></form>
<form method="post" action="/admin/mailboxes/${mailbox.id}/backfill" class="card" id="confirm-form">${csrfField(csrfToken)}
<input type="hidden" name="backfill" value="${escapeHtml(mode)}"><input type="hidden" name="backfillDays" value="${escapeHtml(days)}">
<button id="confirm-import" type="submit">Import ${escapeHtml(choice === 'all' ? 'all of it' : choice === 'none' ? 'nothing old' : `the last ${days} days`)}</button></form>`,
    { csrfToken, currentPath: '/admin' },
  );
}
