// Composition of the fake: builds the state, starts the server on 127.0.0.1
// and exposes the in-process levers tests use instead of a browser.
import type { AddressInfo } from 'node:net';
import { FakeClock } from './clock.js';
import { answerConsent, parseAuthRequest } from './consent.js';
import { Faults } from './faults.js';
import { OAUTH_PATHS } from './oauth-routes.js';
import { WATCH_TTL_MS } from './gmail-watch.js';
import { FakePush } from './push.js';
import { FakeQuota } from './quota.js';
import { createFakeServer } from './server.js';
import { ensureUser, mailboxFor, type FakeState } from './state.js';
import { TokenStore } from './token-store.js';
import type { FakeClient, FakeGoogle, FakeGoogleOptions } from './types.js';

export const DEFAULT_CLIENT: FakeClient = Object.freeze({
  clientId: 'fake-client-id.apps.googleusercontent.com',
  clientSecret: 'fake-client-secret',
  redirectUris: [],
});

function buildQuota(opts: FakeGoogleOptions, store: TokenStore): FakeQuota {
  const regime = opts.quotaRegime ?? 'current';
  const windowMs = opts.quotaWindowMs ?? 60_000;
  return new FakeQuota(
    {
      regime,
      windowMs,
      ...(opts.quotaUnitsPerUserPerWindow === undefined ? {} : { perUserPerWindow: opts.quotaUnitsPerUserPerWindow }),
      ...(opts.quotaUnitsPerUserPerSecond === undefined ? {} : { perUserPerSecond: opts.quotaUnitsPerUserPerSecond }),
      perProjectPerWindow: opts.projectUnitsPerWindow ?? 1_200_000,
      dailyPerProject: opts.dailyUnitsPerProject ?? Infinity,
      maxConcurrentPerUser: opts.maxConcurrentPerUser ?? 10,
    },
    (clientId) => store.clients.get(clientId)?.quotaRegime ?? regime,
  );
}

function buildState(opts: FakeGoogleOptions): FakeState {
  const ttl = opts.accessTokenTtlSeconds ?? 3600;
  const clock = new FakeClock();
  const store = new TokenStore(opts.clients ?? [DEFAULT_CLIENT], ttl * 1000, opts.refreshTokenLimit ?? 100, () => clock.now());
  return {
    store,
    mailboxes: new Map(),
    quota: buildQuota(opts, store),
    quotaExceededStatus: opts.quotaExceededStatus ?? 429,
    latencyMs: opts.latencyMs ?? 0,
    faults: new Faults(),
    accessTtlSeconds: ttl,
    historyRetention: opts.historyRetention ?? 100_000,
    revokeDown: false,
    clock,
    push: new FakePush(clock, opts.push),
    watchTtlMs: opts.watchTtlMs ?? WATCH_TTL_MS,
  };
}

export async function startFakeGoogle(opts: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const s = buildState(opts);
  const server = createFakeServer(s);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    gmailRootUrl: `${url}/`,
    endpoints: {
      oauth2AuthBaseUrl: url + OAUTH_PATHS.authorize,
      oauth2TokenUrl: url + OAUTH_PATHS.token,
      oauth2RevokeUrl: url + OAUTH_PATHS.revoke,
      tokenInfoUrl: url + OAUTH_PATHS.tokenInfo,
      oauth2FederatedSignonPemCertsUrl: url + OAUTH_PATHS.pemCerts,
      oauth2FederatedSignonJwkCertsUrl: url + OAUTH_PATHS.jwkCerts,
    },
    userInfoUrl: url + OAUTH_PATHS.userInfo,
    addUser: (email, o) => void ensureUser(s, email, o?.name),
    deliver: (email, raw, o) => ensureUser(s, email).deliver(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw, o),
    approveConsent(authUrl, o) {
      const parsed = parseAuthRequest(new URL(authUrl).searchParams, s.store);
      if (!parsed.ok) throw new Error(`approveConsent: ${parsed.error}: ${parsed.description}`);
      return answerConsent(s.store, parsed.req, o);
    },
    expireHistory: (email) => ensureUser(s, email).expireHistory(),
    deleteMessage(email, id) {
      if (!mailboxFor(s, email)?.deleteMessage(id)) throw new Error(`deleteMessage: no message ${id} for ${email}`);
    },
    labelNamesOf(email, id) {
      const box = mailboxFor(s, email);
      const msg = box?.messages.get(id);
      if (!box || !msg) throw new Error(`labelNamesOf: no message ${id} for ${email}`);
      return msg.labelIds.map((l) => box.labels.get(l)?.name ?? l);
    },
    revokeUserGrant: (email) => s.store.revokeAllForUser(email),
    changePassword: (email) => s.store.changePassword(email),
    modifyLabels(email, id, add, remove) {
      const result = mailboxFor(s, email)?.modify(id, add, remove);
      if (result === undefined || typeof result === 'string') throw new Error(`modifyLabels: ${result ?? `no message ${id}`}`);
    },
    isRefreshTokenActive: (token) => s.store.liveRefreshToken(token) !== undefined,
    revokedTokens: () => s.store.revokedTokens(),
    issuedSecrets: () => [...s.store.issuedSecrets(), ...s.push.issuedTokens()],
    injectFault: (f) => s.faults.inject(f),
    clearFaults: () => s.faults.clear(),
    setRevokeEndpointDown: (down) => void (s.revokeDown = down),
    requestCount: (path) => s.faults.count(path),
    requests: (path) => s.faults.requests(path),
    quotaRefusals: () => ({ ...s.faults.refusals }),
    configurePush: (sub) => s.push.subscribe(sub),
    setPushDropped: (drop) => s.push.setDropping(drop),
    pushes: () => s.push.records(),
    watchOf: (email) => s.push.watchOf(email),
    advanceClock: (ms) => s.clock.advance(ms),
    now: () => s.clock.now(),
    close() {
      s.push.close();
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
