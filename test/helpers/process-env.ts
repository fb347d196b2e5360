// What the process-level e2e tests share: the environment of an `intake` process against the
// fake Google, the connect flow through the real HTTP API, and a count of what landed in
// the SQLite file (opened read-only, so it can be read while the processes write).
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { DEFAULT_CLIENT, type FakeGoogle } from '../../src/dev/fake-google/index.js';
import { TEST_QUOTA_WINDOW_MS } from './test-fake.js';

export function daemonEnv(
  fake: FakeGoogle,
  port: number,
  dataDir: string,
  apiToken: string,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    INTAKE_DATA_DIR: dataDir,
    INTAKE_HTTP_PORT: String(port),
    INTAKE_SYNC_POLL_INTERVAL_SECONDS: '0.5',
    INTAKE_QUEUE_POLL_MS: '20',
    INTAKE_QUEUE_LEASE_SECONDS: '2',
    INTAKE_SPAM_STARTER_MODEL: 'false',
    INTAKE_GOOGLE_CLIENT_ID: DEFAULT_CLIENT.clientId,
    INTAKE_GOOGLE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
    INTAKE_GOOGLE_ENDPOINTS_AUTH_URL: fake.endpoints.oauth2AuthBaseUrl,
    INTAKE_GOOGLE_ENDPOINTS_TOKEN_URL: fake.endpoints.oauth2TokenUrl,
    INTAKE_GOOGLE_ENDPOINTS_REVOKE_URL: fake.endpoints.oauth2RevokeUrl,
    INTAKE_GOOGLE_ENDPOINTS_TOKEN_INFO_URL: fake.endpoints.tokenInfoUrl,
    INTAKE_GOOGLE_ENDPOINTS_USER_INFO_URL: fake.userInfoUrl,
    INTAKE_GOOGLE_ENDPOINTS_GMAIL_ROOT_URL: fake.gmailRootUrl,
    // The fake's quota runs on a 1 s window (startTestFake); Intake paces against the same.
    INTAKE_GOOGLE_QUOTA_WINDOW_MS: String(TEST_QUOTA_WINDOW_MS),
    INTAKE_API_TOKEN: apiToken,
    INTAKE_SECRET_KEY: randomBytes(32).toString('base64'),
    ...extra,
  };
}

/** Connects `email` as an admin does: POST /api/mailboxes/connect, then consent at the fake. */
export async function connectMailbox(base: string, apiToken: string, fake: FakeGoogle, email: string): Promise<void> {
  const connect = await fetch(`${base}/api/mailboxes/connect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ loginHint: email }),
  });
  const { authUrl } = (await connect.json()) as { authUrl: string };
  expect((await fetch(fake.approveConsent(authUrl, { email }))).status).toBe(200);
}

export interface Tally {
  messages: number;
  distinct: number;
  outbox: number;
  outboxDistinct: number;
}

/** Ticket messages (all and distinct Gmail ids) and outbox events (all and distinct message ids). */
export function tally(file: string): Tally {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      messages: one('SELECT COUNT(*) AS n FROM messages'),
      distinct: one('SELECT COUNT(DISTINCT provider_message_id) AS n FROM messages'),
      outbox: one('SELECT COUNT(*) AS n FROM outbox'),
      outboxDistinct: one('SELECT COUNT(DISTINCT message_id) AS n FROM outbox'),
    };
  } catch {
    return { messages: 0, distinct: 0, outbox: 0, outboxDistinct: 0 };
  } finally {
    db.close();
  }
}
