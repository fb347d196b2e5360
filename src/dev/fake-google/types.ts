// Public types of the fake Google server. Kept apart from the implementation so
// other parts (tests, benches, demo) can import them without pulling in node:http.

export interface FakeClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Which of Google's quota regimes this client's project has (default: the server's). */
  quotaRegime?: 'current' | 'legacy';
  /**
   * The consent screen's publishing status (default production). In "testing", a refresh token
   * with more than profile scopes expires 7 days after it was issued, as Google documents.
   */
  publishingStatus?: 'production' | 'testing';
}

export interface FakeGoogleOptions {
  port?: number;
  clients?: FakeClient[];
  accessTokenTtlSeconds?: number;
  /** How many history records are kept per mailbox before older startHistoryIds 404. */
  historyRetention?: number;
  /** Google's quota regime for clients that do not name one: 'current' (default, projects from May 2026) or 'legacy'. */
  quotaRegime?: 'current' | 'legacy';
  /** The quota window (Google: 60,000 ms). Benchmarks shrink it: the per-minute limits then apply per window. */
  quotaWindowMs?: number;
  /** Override of the per-user units per window (default 6,000 current, 15,000 legacy). */
  quotaUnitsPerUserPerWindow?: number;
  /** Per-user moving average per second (legacy default 250; none in the current regime unless set). */
  quotaUnitsPerUserPerSecond?: number;
  /** Per project (client) units per window (Google: 1,200,000 a minute). */
  projectUnitsPerWindow?: number;
  /** Per project units per day; past it 403 dailyLimitExceeded (Google lists none for legacy). */
  dailyUnitsPerProject?: number;
  /** Requests one user may have in flight (Google: about 10); more answer 429. */
  maxConcurrentPerUser?: number;
  /** Added to every Gmail response, so concurrency is observable. */
  latencyMs?: number;
  /** Gmail answers user-rate overruns with 429 rateLimitExceeded today, 403 userRateLimitExceeded historically. */
  quotaExceededStatus?: 429 | 403;
  /** Live refresh tokens per user per client; the next one evicts the oldest (Google: 100). */
  refreshTokenLimit?: number;
  /** Pub/Sub push subscriptions: where a watched user's changes are POSTed, per topic. */
  push?: FakePushSubscription[];
  /** How long a users.watch lasts (Gmail: 7 days); tests shorten it to see renewal. */
  watchTtlMs?: number;
}

/** A Pub/Sub push subscription on a topic that Gmail watches publish to. */
export interface FakePushSubscription {
  /** projects/<project>/topics/<topic>, as passed to users.watch. */
  topicName: string;
  /** The push endpoint URL (may carry ?token=... for shared-secret mode). */
  endpoint: string;
  /** The OIDC token's aud (Pub/Sub's default: the endpoint URL). */
  audience?: string;
  /** The service account the push is authenticated as (the token's email claim). */
  serviceAccountEmail?: string;
  /** projects/<project>/subscriptions/<name>, echoed in the push body. */
  subscription?: string;
}

export interface FakeWatch {
  topicName: string;
  labelIds: string[];
  labelFilterBehavior: 'include' | 'exclude';
  /** Epoch ms on the fake's clock. */
  expiration: number;
}

/** One POST to a push endpoint (status 0: not reachable). */
export interface FakePushRecord {
  email: string;
  historyId: string;
  status: number;
  attempt: number;
  at: number;
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
  /** The user changed their Google password: refresh tokens with Gmail scopes stop working. */
  changePassword(email: string): void;
  /** The user moves a message (e.g. from SPAM or the archive into INBOX): labelAdded/labelRemoved history. */
  modifyLabels(email: string, id: string, add: string[], remove: string[]): void;
  isRefreshTokenActive(refreshToken: string): boolean;
  revokedTokens(): string[];
  issuedSecrets(): string[];
  injectFault(f: FakeFault): void;
  /** Disarms the faults injected so far that have not fired yet. */
  clearFaults(): void;
  setRevokeEndpointDown(down: boolean): void;
  requestCount(path?: RegExp): number;
  /** Path + query of recent requests (the last 10,000 or more), optionally filtered. */
  requests(path?: RegExp): string[];
  /** Sets (or replaces) the push subscription of a topic. */
  configurePush(sub: FakePushSubscription): void;
  /** While true every push is dropped, as Google may drop notifications: only polling brings mail. */
  setPushDropped(drop: boolean): void;
  /** Every push sent so far (the last 10,000), oldest first. */
  pushes(): FakePushRecord[];
  /** The user's live watch (none once its expiration passed on the fake's clock, or after stop). */
  watchOf(email: string): FakeWatch | undefined;
  /** Moves the fake's clock (watch expiry, refresh token lifetimes) forward by ms. */
  advanceClock(ms: number): void;
  /** The fake's clock, epoch ms. */
  now(): number;
  /** Calls refused by each quota limit since start. */
  quotaRefusals(): { user: number; project: number; daily: number; concurrency: number };
  close(): Promise<void>;
}
