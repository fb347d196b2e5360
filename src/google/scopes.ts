// The OAuth scopes Intake asks for, and the pure check that what Google granted is enough.
export const SCOPES = {
  openid: 'openid',
  email: 'https://www.googleapis.com/auth/userinfo.email',
  gmailReadonly: 'https://www.googleapis.com/auth/gmail.readonly',
  gmailModify: 'https://www.googleapis.com/auth/gmail.modify',
  fullMail: 'https://mail.google.com/',
} as const;

export type MailSourceKind = 'gmail' | 'imap';

/** Least privilege: read-only unless labelling is on; full mail access only for IMAP. */
export function scopesFor(source: MailSourceKind, labelImported: boolean): string[] {
  const base = [SCOPES.openid, SCOPES.email];
  if (source === 'imap') return [...base, SCOPES.fullMail];
  return [...base, labelImported ? SCOPES.gmailModify : SCOPES.gmailReadonly];
}

const READS_MAIL: readonly string[] = [SCOPES.gmailReadonly, SCOPES.gmailModify, SCOPES.fullMail];

/** Google reports `email` back as the userinfo.email URL; both spellings count. */
export function normaliseScopes(granted: string): string[] {
  return granted
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => (s === 'email' ? SCOPES.email : s));
}

export function missingScopes(requested: readonly string[], granted: readonly string[]): string[] {
  const have = new Set(granted);
  return requested.filter((s) => s !== SCOPES.openid && !have.has(s) && !(READS_MAIL.includes(s) && have.has(SCOPES.fullMail)));
}
