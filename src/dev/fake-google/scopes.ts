// Scope names as Google spells them and which Gmail methods each one opens
// (SPEC.md §2, from the discovery document's per-method scope lists).

export const SCOPE = {
  mail: 'https://mail.google.com/',
  modify: 'https://www.googleapis.com/auth/gmail.modify',
  readonly: 'https://www.googleapis.com/auth/gmail.readonly',
  metadata: 'https://www.googleapis.com/auth/gmail.metadata',
  labels: 'https://www.googleapis.com/auth/gmail.labels',
  compose: 'https://www.googleapis.com/auth/gmail.compose',
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
  openid: 'openid',
} as const;

/** Google answers with full URLs for the OIDC short names. */
const ALIASES: Record<string, string> = { email: SCOPE.email, profile: SCOPE.profile };

export const IDENTITY_SCOPES: ReadonlySet<string> = new Set([SCOPE.openid, SCOPE.email, SCOPE.profile]);

export function normalizeScope(scope: string): string {
  return ALIASES[scope] ?? scope;
}

export function isKnownScope(scope: string): boolean {
  return IDENTITY_SCOPES.has(scope) || scope === SCOPE.mail || scope.startsWith('https://www.googleapis.com/auth/');
}

/** Splits a space-delimited scope list, normalised and de-duplicated, order kept. */
export function parseScopes(value: string | null | undefined): string[] {
  const out: string[] = [];
  for (const s of (value ?? '').split(/\s+/)) {
    const n = normalizeScope(s);
    if (n && !out.includes(n)) out.push(n);
  }
  return out;
}

export type GmailMethodClass = 'read' | 'profile' | 'modify' | 'labelsRead' | 'labelsWrite' | 'content';

const READ = [SCOPE.mail, SCOPE.modify, SCOPE.readonly, SCOPE.metadata];

const ACCEPTED: Record<GmailMethodClass, readonly string[]> = {
  read: READ,
  profile: [...READ, SCOPE.compose],
  modify: [SCOPE.mail, SCOPE.modify],
  labelsRead: [...READ, SCOPE.labels],
  labelsWrite: [SCOPE.mail, SCOPE.labels, SCOPE.modify],
  content: [SCOPE.mail, SCOPE.modify, SCOPE.readonly],
};

export function allows(scopes: readonly string[], cls: GmailMethodClass): boolean {
  return ACCEPTED[cls].some((s) => scopes.includes(s));
}

/** True when the token can read mail only through gmail.metadata (no bodies, no q). */
export function isMetadataOnly(scopes: readonly string[]): boolean {
  return scopes.includes(SCOPE.metadata) && !allows(scopes, 'content');
}
