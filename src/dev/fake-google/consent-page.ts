// HTML for the consent screen and for authorization errors. Stable element ids
// (#email, #allow, #deny, input[name=scope]) let browser tests drive it.
import type { AuthRequest, AuthRequestError } from './consent.js';
import { IDENTITY_SCOPES } from './scopes.js';

export const CONSENT_PATH = '/o/oauth2/v2/auth/consent';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body><main>${body}</main></body></html>`
  );
}

export function consentPage(req: AuthRequest, originalQuery: string): string {
  const rows = req.scopes.map((s) =>
    IDENTITY_SCOPES.has(s)
      ? `<li>${escapeHtml(s)} <em>(always granted)</em></li>`
      : `<li><label><input type="checkbox" name="scope" value="${escapeHtml(s)}" checked> ${escapeHtml(s)}</label></li>`,
  );
  return page(
    'Sign in - Google Accounts (fake)',
    `
<h1>Fake Google wants to give access to ${escapeHtml(req.clientId)}</h1>
<form method="post" action="${CONSENT_PATH}">
  <input type="hidden" name="auth_request" value="${escapeHtml(originalQuery)}">
  <p><label for="email">Account</label>
  <input id="email" name="email" type="email" required value="${escapeHtml(req.loginHint ?? '')}"></p>
  <ul id="scopes">${rows.join('')}</ul>
  <button id="allow" type="submit" name="action" value="allow">Allow</button>
  <button id="deny" type="submit" name="action" value="deny" formnovalidate>Deny</button>
</form>`,
  );
}

export function authErrorPage(err: AuthRequestError): string {
  return page(
    `Error ${err.status}: ${err.error}`,
    `
<h1 id="error">Access blocked: authorization error</h1>
<p>Error ${err.status}: <code id="error-code">${escapeHtml(err.error)}</code></p>
<p id="error-description">${escapeHtml(err.description)}</p>`,
  );
}
