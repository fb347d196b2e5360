import { describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { SecretBox } from '../../../src/crypto/secret-box.js';
import { parseKeyList } from '../../../src/crypto/key-source.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, type TestDaemon, closeAfterEach } from '../../helpers/test-daemon.js';

const MAILBOX = 'sales@example.com';
const EMAIL_SCOPE = 'https://www.googleapis.com/auth/userinfo.email';

describe('oauth callback failures', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  closeAfterEach(() => ({ t, fake }));

  async function begin(opts: { grantedScopes?: string[] } = {}): Promise<{ t: TestDaemon; fake: FakeGoogle; redirect: string }> {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    const { body } = await t.api<{ authUrl: string }>('/api/mailboxes/connect', {
      method: 'POST',
      body: JSON.stringify({ loginHint: MAILBOX }),
    });
    return { t, fake, redirect: fake.approveConsent(body.authUrl, { email: MAILBOX, ...opts }) };
  }

  const stored = (d: TestDaemon) => d.daemon.db.prepare('SELECT COUNT(*) AS n FROM mailboxes').get() as { n: number };
  const audits = (d: TestDaemon, action: string) =>
    (d.daemon.db.prepare('SELECT COUNT(*) AS n FROM audit_log WHERE action = ?').get(action) as { n: number }).n;
  const refreshTokens = (f: FakeGoogle) => f.issuedSecrets().filter((s) => s.startsWith('1//'));

  it('oauth callback: when the state was tampered with, answers 400 and stores nothing', async () => {
    const { t, redirect } = await begin();
    const url = new URL(redirect);
    const state = url.searchParams.get('state') as string;
    url.searchParams.set('state', `${state.slice(0, -2)}${state.endsWith('AA') ? 'BB' : 'AA'}`);
    const res = await fetch(url);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('tampered');
    expect(stored(t)).toEqual({ n: 0 });
  });

  it('oauth callback: when the state was replayed, answers 400 and stores nothing more', async () => {
    const { t, redirect } = await begin();
    expect((await fetch(redirect)).status).toBe(200);
    const replay = await fetch(redirect);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('replayed');
    expect(stored(t)).toEqual({ n: 1 });
    expect(audits(t, 'mailbox.connected') + audits(t, 'mailbox.reconnected')).toBe(1);
  });

  it('oauth callback: when the state is older than 10 minutes, answers 400 and stores nothing', async () => {
    const { t, redirect } = await begin();
    t.daemon.db.prepare('UPDATE oauth_states SET created_at = created_at - ?').run(10 * 60_000 + 1_000);
    const res = await fetch(redirect);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('expired');
    expect(stored(t)).toEqual({ n: 0 });
  });

  it('oauth callback: when the PKCE verifier is missing from the exchange, Google refuses the code and nothing is stored', async () => {
    const { t, fake, redirect } = await begin();
    const box = new SecretBox(parseKeyList(t.config.secrets.secretKey ?? ''));
    t.daemon.db.prepare('UPDATE oauth_states SET verifier_cipher = ?').run(box.seal(''));
    const res = await fetch(redirect);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Google refused the authorization code');
    expect(stored(t)).toEqual({ n: 0 });
    expect(refreshTokens(fake)).toEqual([]);
  });

  it('oauth callback: when the user unticked Gmail access, shows a clear page, stores nothing and revokes the partial grant', async () => {
    const { t, fake, redirect } = await begin({ grantedScopes: ['openid', EMAIL_SCOPE] });
    const res = await fetch(redirect);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Gmail access was not granted');
    expect(html).toContain('leave the Gmail box ticked');
    expect(stored(t)).toEqual({ n: 0 });
    const issued = refreshTokens(fake);
    expect(issued.length).toBeGreaterThan(0);
    for (const token of issued) expect(fake.isRefreshTokenActive(token)).toBe(false);
  });

  it('oauth callback: when the user pressed Deny, answers 400 and stores nothing', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    const { body } = await t.api<{ authUrl: string }>('/api/mailboxes/connect', { method: 'POST', body: JSON.stringify({}) });
    const res = await fetch(fake.approveConsent(body.authUrl, { email: MAILBOX, deny: true }));
    expect(res.status).toBe(400);
    expect(stored(t)).toEqual({ n: 0 });
  });
});
