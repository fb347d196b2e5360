// The baseline of bench:sync's parallel-mailbox figure: a bare googleapis + mailparser
// fetcher, each mailbox paced at the same per-user quota, nothing stored.
import { OAuth2Client } from 'google-auth-library';
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { simpleParser } from 'mailparser';
import { DEFAULT_CLIENT, type FakeGoogle } from '../../src/dev/fake-google/index.js';
import { SlidingWindow } from '../../src/google/sliding-window.js';

const REDIRECT = 'http://127.0.0.1:4999/oauth/callback';

export async function bareClient(fake: FakeGoogle, email: string): Promise<gmail_v1.Gmail> {
  const auth = new OAuth2Client({
    clientId: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    redirectUri: REDIRECT,
    endpoints: fake.endpoints,
  });
  const url = auth.generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    scope: ['https://www.googleapis.com/auth/gmail.readonly'],
  });
  const code = new URL(fake.approveConsent(url, { email })).searchParams.get('code') ?? '';
  const { tokens } = await auth.getToken(code);
  auth.setCredentials(tokens);
  return gmail({ version: 'v1', auth, rootUrl: fake.gmailRootUrl });
}

/** Lists every id, then fetches and parses each with `concurrency` in flight, inside `unitsPerWindow`. */
export async function bareFetchAll(
  api: gmail_v1.Gmail,
  opts: { windowMs: number; unitsPerWindow: number; getUnits: number; listUnits: number; concurrency: number },
): Promise<number> {
  const window = new SlidingWindow(opts.windowMs + Math.max(10, opts.windowMs / 50));
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    // The list pages spend from the same per-user window as the fetches.
    window.spend(opts.listUnits, Date.now());
    const { data } = await api.users.messages.list({ userId: 'me', maxResults: 500, pageToken });
    ids.push(...(data.messages ?? []).map((m) => m.id ?? ''));
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      for (
        let d = window.waitFor(opts.getUnits, opts.unitsPerWindow, Date.now());
        d > 0;
        d = window.waitFor(opts.getUnits, opts.unitsPerWindow, Date.now())
      ) {
        await new Promise((r) => setTimeout(r, d));
      }
      window.spend(opts.getUnits, Date.now());
      const data = await withRetry(() => api.users.messages.get({ userId: 'me', id, format: 'raw' }));
      await simpleParser(Buffer.from(data.raw ?? '', 'base64url'));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return ids.length;
}

/** What any careful client does on a 429: wait as long as Retry-After says (or a second), and try again. */
async function withRetry<T>(call: () => Promise<{ data: T }>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await call()).data;
    } catch (err) {
      const status = (err as { status?: number; response?: { status?: number; headers?: Record<string, string> } }).response;
      if (status?.status !== 429 || attempt >= 20) throw err;
      const after = Number(status.headers?.['retry-after'] ?? 1);
      await new Promise((r) => setTimeout(r, Math.max(100, (Number.isFinite(after) ? after : 1) * 1000)));
    }
  }
}
