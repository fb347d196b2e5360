// Renders the privacy admin pages: erase (form, then the counts and a confirmation that asks
// for the address again, then the receipt), export, retention (exact dry-run counts before
// "Run now"), the audit trail with its chain check, and the data inventory. Pure: data in, HTML out.
import type { EraseReceipt } from '../../privacy/erase-subject.js';
import type { RetentionReport } from '../../privacy/retention/run-retention.js';
import type { AuditView } from '../../store/audit-repo.js';
import type { AuditVerdict } from '../../privacy/privacy-service.js';
import { DATA_INVENTORY, REDIS_INVENTORY } from '../../privacy/data-inventory.js';
import { escapeHtml } from '../html.js';
import { adminPage, csrfField } from './layout.js';
import { timeTag } from './page-parts.js';

const frame = (title: string, path: string, csrf: string, body: string) =>
  adminPage(title, `<h1>${escapeHtml(title)}</h1>${body}`, { csrfToken: csrf, currentPath: path });

function countsList(counts: Record<string, number>, id: string): string {
  const items = Object.entries(counts)
    .map(([k, n]) => `<dt>${escapeHtml(k)}</dt><dd data-count="${escapeHtml(k)}">${n}</dd>`)
    .join('');
  return `<dl id="${id}">${items}</dl>`;
}

export function privacyPage(csrf: string, error?: string): string {
  const problem = error ? `<p class="error" role="alert" id="privacy-error">${escapeHtml(error)}</p>` : '';
  return frame(
    'Privacy',
    '/admin/privacy',
    csrf,
    `${problem}<form method="post" action="/admin/privacy/erase/preview" class="card" id="erase-form">${csrfField(csrf)}
<h2>Erase a person</h2><p class="muted">Shows what would be removed first; nothing is erased until you confirm.</p>
<label for="erase-email">Their address</label><input id="erase-email" name="email" type="email" required autocomplete="off">
<label class="inline"><input type="radio" name="scope" value="tickets" checked> every ticket they requested, and their messages elsewhere</label><br>
<label class="inline"><input type="radio" name="scope" value="messages"> only their messages</label>
<div class="row"><button type="submit" id="erase-preview">Show what would be erased</button></div></form>
<form method="post" action="/admin/privacy/export" class="card" id="export-form">${csrfField(csrf)}
<h2>Export what is held about a person</h2><p class="muted">A tar archive: subject.json and the attachments (format in docs/privacy.md).</p>
<label for="export-email">Their address</label><input id="export-email" name="email" type="email" required autocomplete="off">
<div class="row"><button type="submit" id="export-download">Download</button></div></form>`,
  );
}

/** The dry run's counts and the confirmation form; the address travels only in the form body. */
export function erasePreviewPage(csrf: string, email: string, preview: EraseReceipt): string {
  return frame(
    'Confirm erasure',
    '/admin/privacy',
    csrf,
    `<div class="card"><p>Erasing <strong>${escapeHtml(email)}</strong> (scope ${escapeHtml(preview.scope)}) will remove:</p>${countsList(preview.counts, 'erase-counts')}</div>
<form method="post" action="/admin/privacy/erase" class="card" id="erase-confirm">${csrfField(csrf)}
<input type="hidden" name="email" value="${escapeHtml(email)}"><input type="hidden" name="scope" value="${escapeHtml(preview.scope)}">
<label for="confirm-email">Type the address again to confirm. This cannot be undone.</label>
<input id="confirm-email" name="confirm" type="email" required autocomplete="off">
<div class="row"><button class="danger" type="submit" id="erase-now">Erase permanently</button> <a href="/admin/privacy">Cancel</a></div></form>`,
  );
}

export function eraseDonePage(csrf: string, receipt: EraseReceipt): string {
  return frame(
    'Erased',
    '/admin/privacy',
    csrf,
    `<p class="notice" role="status" id="notice">Erased. Receipt: audit entry ${receipt.auditId ?? '—'}, subject ${escapeHtml(receipt.subjectRef)}.</p>
<div class="card">${countsList(receipt.counts, 'erased-counts')}</div><p><a href="/admin/privacy">Back</a></p>`,
  );
}

export function retentionPage(csrf: string, report: RetentionReport, done?: RetentionReport): string {
  const rows = report.rules
    .map((r) => {
      const counts = Object.entries(r.counts).map(([k, n]) => `${escapeHtml(k)} ${n}`);
      return `<tr><td>${escapeHtml(r.rule)}</td><td>${r.days}</td><td>${timeTag(r.cutoff)}</td><td data-rule="${escapeHtml(r.rule)}">${counts.join(', ') || 'nothing'}</td></tr>`;
    })
    .join('');
  const notice = done ? `<p class="notice" role="status" id="notice">Retention ran: ${done.total} rows removed.</p>` : '';
  return frame(
    'Retention',
    '/admin/retention',
    csrf,
    `${notice}<div class="card"><p>What the policy removes now (exact counts of a dry run; set the days in <code>retention.*</code>):</p>
<table id="retention-counts"><thead><tr><th>rule</th><th>days</th><th>older than</th><th>would delete</th></tr></thead><tbody>${rows}</tbody></table>
<p>Contacts nothing refers to any more: <span id="orphan-contacts">${report.orphanContacts}</span>. Total: <strong id="retention-total">${report.total}</strong>.</p>
<form method="post" action="/admin/retention/run" class="row">${csrfField(csrf)}<button class="danger" type="submit" id="retention-run"${report.total === 0 ? ' disabled' : ''}>Run now</button></form></div>`,
  );
}

export function auditPage(csrf: string, entries: AuditView[], verdict: AuditVerdict, nextBefore: number | null): string {
  const state = verdict.ok
    ? `<p class="notice" id="chain-state">Chain verified: ${verdict.rows} rows, none removed or edited.</p>`
    : `<div class="error" id="chain-state"><p>The audit log was changed outside Intake:</p><ul>${verdict.problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul></div>`;
  const items = entries
    .map(
      (e) =>
        `<li class="card audit-entry" data-id="${e.id}"><strong>${escapeHtml(e.action)}</strong> by ${escapeHtml(e.actor)} ${timeTag(e.at)}${
          e.subjectRef ? ` <span class="muted">${escapeHtml(e.subjectRef)}</span>` : ''
        }${e.detail ? `<pre class="body">${escapeHtml(JSON.stringify(e.detail))}</pre>` : ''}</li>`,
    )
    .join('');
  const more = nextBefore ? `<p><a id="audit-older" href="/admin/audit?before=${nextBefore}">Older entries</a></p>` : '';
  return frame('Audit', '/admin/audit', csrf, `${state}<ul class="ticket-list" id="audit-entries">${items}</ul>${more}`);
}

export function inventoryPage(csrf: string): string {
  const cards = [...DATA_INVENTORY, ...REDIS_INVENTORY]
    .map((t) => {
      const cols = Object.entries(t.columns)
        .map(
          ([c, v]) =>
            `<dt>${v.personal === 'yes' ? `<strong>${escapeHtml(c)}</strong>` : escapeHtml(c)}</dt><dd>${escapeHtml(v.what)}</dd>`,
        )
        .join('');
      return `<details class="card" id="inventory-${escapeHtml(t.table)}"><summary><strong>${escapeHtml(t.table)}</strong>: ${escapeHtml(t.why)}</summary>
<dl><dt>How long</dt><dd>${escapeHtml(t.howLong)}</dd><dt>How deleted</dt><dd>${escapeHtml(t.howDeleted)}</dd></dl><dl>${cols}</dl></details>`;
    })
    .join('');
  return frame(
    'Data inventory',
    '/admin/inventory',
    csrf,
    `<p class="muted">What Intake stores, why, for how long, and how it is deleted. Personal data in bold.</p>${cards}`,
  );
}
