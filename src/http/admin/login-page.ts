// The sign-in page: username, password and the six-digit code from the authenticator app
// (or a recovery code). Pure rendering.
import { escapeHtml } from '../html.js';
import { adminPage } from './layout.js';

export function loginPage(csrfToken: string, error?: string, username = ''): string {
  const problem = error ? `<p class="error" id="login-error" role="alert">${escapeHtml(error)}</p>` : '';
  return adminPage(
    'Sign in',
    `<h1>Sign in</h1>${problem}
<form method="post" action="/admin/login" class="card">
<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
<label for="username">Username</label><input id="username" name="username" type="text" autocomplete="username" required value="${escapeHtml(username)}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<label for="code">Code from your authenticator app (or a recovery code)</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required>
<div class="row"><button id="sign-in" type="submit">Sign in</button></div>
</form>`,
  );
}
