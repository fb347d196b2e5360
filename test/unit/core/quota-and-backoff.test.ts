import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/queue/job-queue.js';
import { skipReason } from '../../../src/ingest/skip-rules.js';
import { missingScopes, scopesFor, SCOPES, normaliseScopes } from '../../../src/google/scopes.js';

describe('pure sync arithmetic', () => {
  it('backoffDelay(): when attempts grow, doubles within jitter and never passes the cap', () => {
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(3, 1000, 60_000, () => 1)).toBe(4000);
    expect(backoffDelay(30, 1000, 60_000, () => 1)).toBe(60_000);
  });

  it('skipReason(): when Gmail labels the message a draft or chat, skips it; inbox and the team’s own sent mail are kept', () => {
    expect(skipReason(['DRAFT'])).toBe('draft');
    expect(skipReason(['CHAT'])).toBe('chat');
    expect(skipReason(['SENT'])).toBeNull();
    expect(skipReason(['SENT', 'INBOX'])).toBeNull();
    expect(skipReason(['INBOX', 'UNREAD', 'SPAM'])).toBeNull();
  });

  it('scopesFor(): when labelling is off, asks for read-only Gmail; modify only with labelling; full mail only for IMAP', () => {
    expect(scopesFor('gmail', false)).toContain(SCOPES.gmailReadonly);
    expect(scopesFor('gmail', false)).not.toContain(SCOPES.gmailModify);
    expect(scopesFor('gmail', true)).toContain(SCOPES.gmailModify);
    expect(scopesFor('imap', false)).toContain(SCOPES.fullMail);
  });

  it('missingScopes(): when the user unticked Gmail access, reports it; openid is never required back', () => {
    const requested = scopesFor('gmail', false);
    expect(missingScopes(requested, normaliseScopes('openid email'))).toEqual([SCOPES.gmailReadonly]);
    expect(missingScopes(requested, normaliseScopes(`email ${SCOPES.gmailReadonly}`))).toEqual([]);
  });
});

describe('retention', () => {
  it('retentionCutoff(): when 30 days are kept, cuts at exactly 30 days before now', async () => {
    const { retentionCutoff } = await import('../../../src/privacy/retention.js');
    expect(retentionCutoff(100 * 86_400_000, 30)).toBe(70 * 86_400_000);
  });
});
