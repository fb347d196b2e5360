// Request URLs as they may appear in a log line: the values of query parameters that carry
// a secret (the OAuth callback's `code` and `state`, anything token-, key- or secret-shaped)
// replaced, so no request log line holds one in any encoding. Pure.
const SECRET_PARAMS = new Set(['code', 'state', 'id_token', 'access_token', 'refresh_token', 'code_verifier', 'client_secret', 'password']);
const SECRET_SHAPED = /token|secret|passw|key|sig|auth|session|csrf|code|state/i;

export const REDACTED = '[redacted]';

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const parts = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    const name = safeDecode(pair.slice(0, eq));
    return SECRET_PARAMS.has(name.toLowerCase()) || SECRET_SHAPED.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
  });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
