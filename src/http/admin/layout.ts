// The frame of every server-rendered admin page: head, header with navigation and the
// sign-out form (which carries the session's CSRF token), and the linked stylesheet.
import { escapeHtml } from '../html.js';
import { ADMIN_CSS_PATH } from './admin-css.js';
import { ADMIN_NAV } from './nav.js';

export interface LayoutOptions {
  /** Present when signed in: shows the navigation and the sign-out button. */
  csrfToken?: string;
  currentPath?: string;
}

export function adminPage(title: string, body: string, options: LayoutOptions = {}): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Intake</title><link rel="stylesheet" href="${ADMIN_CSS_PATH}"></head>
<body>${header(options)}<main>${body}</main></body></html>`;
}

function header(options: LayoutOptions): string {
  if (!options.csrfToken) return '<header><span class="brand">Intake</span></header>';
  const links = ADMIN_NAV.map(
    (item) =>
      `<a href="${escapeHtml(item.href)}"${item.href === options.currentPath ? ' aria-current="page"' : ''}>${escapeHtml(item.label)}</a>`,
  ).join('');
  return `<header><span class="brand">Intake</span><nav>${links}</nav>
<form method="post" action="/admin/logout">${csrfField(options.csrfToken)}<button class="link" id="sign-out" type="submit">Sign out</button></form></header>`;
}

export function csrfField(token: string): string {
  return `<input type="hidden" name="_csrf" value="${escapeHtml(token)}">`;
}
