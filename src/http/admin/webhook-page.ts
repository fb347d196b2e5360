// Renders the webhooks page: each endpoint with its events, state and dead letters (each with
// a retry form), the add form, and the one-time display of a new signing secret. Pure.
import type { WebhookEndpoint } from '../../delivery/webhook-repo.js';
import type { DeliveryView } from '../../delivery/delivery-repo.js';
import { EVENT_TYPES } from '../../store/event-repo.js';
import { escapeHtml } from '../html.js';
import { adminPage, csrfField } from './layout.js';
import { flashLine, timeTag } from './page-parts.js';

export interface WebhookView {
  endpoint: WebhookEndpoint;
  deadLetters: DeliveryView[];
}

export interface WebhookPageState {
  done?: string;
  /** Shown once, right after an add or a rotation. */
  secret?: { endpointId: number; value: string };
  error?: string;
}

const DONE: Record<string, string> = {
  removed: 'The endpoint and its deliveries were removed.',
  retried: 'The delivery will be sent again.',
};

export function webhookPage(views: WebhookView[], csrfToken: string, state: WebhookPageState = {}): string {
  const secret = state.secret
    ? `<p class="notice" id="new-secret" role="status">Signing secret of endpoint #${state.secret.endpointId}, shown only now:
<code>${escapeHtml(state.secret.value)}</code></p>`
    : '';
  const error = state.error ? `<p class="error" id="webhook-error" role="alert">${escapeHtml(state.error)}</p>` : '';
  const list =
    views.length === 0
      ? '<p class="muted" id="no-webhooks">No webhook endpoint yet: add one to have tickets pushed to your helpdesk.</p>'
      : views.map((v) => endpointCard(v, csrfToken)).join('');
  return adminPage(
    'Webhooks',
    `<h1>Webhooks</h1>${flashLine(state.done, DONE)}${secret}${error}${addForm(csrfToken)}<section id="webhooks">${list}</section>`,
    { csrfToken, currentPath: '/admin/webhooks' },
  );
}

function addForm(csrfToken: string): string {
  const boxes = EVENT_TYPES.map((t) => `<label class="inline"><input type="checkbox" name="events" value="${t}"> ${t}</label>`).join(
    '<br>',
  );
  return `<form method="post" action="/admin/webhooks" class="card" id="add-webhook">${csrfField(csrfToken)}
<label for="webhook-url">Receiver URL (https)</label><input id="webhook-url" name="url" type="text" autocomplete="off" required>
<label for="webhook-description">Description</label><input id="webhook-description" name="description" type="text" autocomplete="off">
<fieldset><legend>Events (none ticked: all)</legend>${boxes}</fieldset>
<div class="row"><button id="add-webhook-button" type="submit">Add endpoint</button></div></form>`;
}

function endpointCard(v: WebhookView, csrfToken: string): string {
  const e = v.endpoint;
  const state =
    e.state === 'active'
      ? '<span class="state state-syncing">Active</span>'
      : `<span class="state state-error">Disabled</span> <span class="reason">${escapeHtml(e.disabledReason ?? '')}</span>`;
  const dead =
    v.deadLetters.length === 0
      ? '<p class="muted">No dead letters.</p>'
      : `<h3>Dead letters</h3><ul class="dead-letters">${v.deadLetters.map((d) => deadLetter(d, csrfToken)).join('')}</ul>`;
  return `<article class="card webhook" data-webhook-id="${e.id}"><h2>${escapeHtml(e.url)}</h2>
<dl><dt>State</dt><dd>${state}</dd><dt>Events</dt><dd>${escapeHtml(e.events.length ? e.events.join(', ') : 'all')}</dd>
<dt>Description</dt><dd>${escapeHtml(e.description || '—')}</dd><dt>Added</dt><dd>${timeTag(e.createdAt)}</dd></dl>${dead}
<div class="row"><form method="post" action="/admin/webhooks/${e.id}/rotate-secret">${csrfField(csrfToken)}<button type="submit" class="rotate">Rotate secret</button></form>
<form method="post" action="/admin/webhooks/${e.id}/remove">${csrfField(csrfToken)}<button class="danger remove" type="submit">Remove</button></form></div></article>`;
}

function deadLetter(d: DeliveryView, csrfToken: string): string {
  return `<li data-delivery-id="${d.id}">${escapeHtml(d.eventType)} <code>${escapeHtml(d.eventId)}</code> — ${escapeHtml(d.lastError ?? '')}
(${d.attempts} attempts, last ${timeTag(d.lastAttemptAt)})
<form method="post" action="/admin/deliveries/${d.id}/retry">${csrfField(csrfToken)}<button type="submit" class="retry">Retry</button></form></li>`;
}
