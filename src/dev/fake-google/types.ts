// Public types of the fake Google server. Kept apart from the implementation so
// other parts (tests, benches, demo) can import them without pulling in node:http.

export interface FakeClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface FakeGoogleOptions {
  port?: number;
  clients?: FakeClient[];
  accessTokenTtlSeconds?: number;
  /** How many history records are kept per mailbox before older startHistoryIds 404. */
  historyRetention?: number;
  /** Per-user quota, rolling over one second (Gmail: 15,000/min, bursts of 250/s). */
  quotaUnitsPerUserPerSecond?: number;
  /** Gmail answers user-rate overruns with 429 rateLimitExceeded today, 403 userRateLimitExceeded historically. */
  quotaExceededStatus?: 429 | 403;
  /** Live refresh tokens per user per client; the next one evicts the oldest (Google: 100). */
  refreshTokenLimit?: number;
}

export interface DeliverOptions {
  labelIds?: string[];
  internalDate?: number;
}

export interface DeliveredMessage {
  id: string;
  threadId: string;
  historyId: string;
}

export interface FakeFault {
  path: RegExp;
  status: number;
  body?: unknown;
  times?: number;
  headers?: Record<string, string>;
}

export interface FakeEndpoints {
  oauth2AuthBaseUrl: string;
  oauth2TokenUrl: string;
  oauth2RevokeUrl: string;
  tokenInfoUrl: string;
  /** Extra: lets OAuth2Client.verifyIdToken() fetch the fake's signing keys. */
  oauth2FederatedSignonPemCertsUrl: string;
  oauth2FederatedSignonJwkCertsUrl: string;
}

export interface FakeGoogle {
  readonly url: string;
  readonly gmailRootUrl: string;
  readonly endpoints: FakeEndpoints;
  readonly userInfoUrl: string;
  addUser(email: string, opts?: { name?: string }): void;
  deliver(email: string, raw: Buffer | string, opts?: DeliverOptions): DeliveredMessage;
  approveConsent(authUrl: string, opts: { email: string; grantedScopes?: string[]; deny?: boolean }): string;
  expireHistory(email: string): void;
  /** Extra: the message disappears (messageDeleted history), so a later messages.get 404s. */
  deleteMessage(email: string, id: string): void;
  /** Extra: a message's label names (user labels by name, system labels by id), as a test reads them in Gmail's UI. */
  labelNamesOf(email: string, id: string): string[];
  revokeUserGrant(email: string): void;
  isRefreshTokenActive(refreshToken: string): boolean;
  revokedTokens(): string[];
  issuedSecrets(): string[];
  injectFault(f: FakeFault): void;
  /** Disarms the faults injected so far that have not fired yet. */
  clearFaults(): void;
  setRevokeEndpointDown(down: boolean): void;
  requestCount(path?: RegExp): number;
  close(): Promise<void>;
}
