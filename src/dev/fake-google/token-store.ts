// OAuth state: clients, users, authorization codes, grants and the tokens minted
// from them. Pure bookkeeping with no HTTP, so consent, token and Gmail routes
// share one truth about which token is live.
import { randomBytes, randomInt } from 'node:crypto';
import type { FakeClient } from './types.js';

export interface User {
  email: string;
  sub: string;
  name?: string;
}

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  email: string;
  scopes: string[];
  challenge?: string;
  challengeMethod: 'S256' | 'plain';
  offline: boolean;
  /** First consent for this user+client, or prompt=consent: Google then returns a refresh token. */
  issueRefreshToken: boolean;
  nonce?: string;
  expiresAt: number;
  used: boolean;
}

export interface Grant {
  clientId: string;
  email: string;
  scopes: string[];
  offline: boolean;
  refreshTokens: string[];
}

export interface RefreshToken {
  token: string;
  grant: Grant;
  scopes: string[];
  active: boolean;
  /** On the fake clock: when issued, and when last used to mint an access token. */
  issuedAt: number;
  lastUsedAt: number;
}

// Google's refresh token expiry (SPEC.md §2 "Why a refresh token stops working").
const TESTING_LIFETIME_MS = 7 * 24 * 3600_000;
const DISUSE_LIMIT_MS = 183 * 24 * 3600_000;
/** Scopes a Testing-mode token may hold and still not expire after 7 days. */
const PROFILE_SCOPES = new Set([
  'openid',
  'email',
  'profile',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile',
]);
const isGmailScope = (s: string) => s === 'https://mail.google.com/' || s.startsWith('https://www.googleapis.com/auth/gmail.');

export interface AccessToken {
  token: string;
  grant: Grant;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

const CODE_TTL_MS = 10 * 60 * 1000;
const rand = (bytes: number): string => randomBytes(bytes).toString('base64url');

export class TokenStore {
  readonly clients = new Map<string, FakeClient>();
  private readonly users = new Map<string, User>();
  private readonly codes = new Map<string, AuthCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly refresh = new Map<string, RefreshToken>();
  private readonly access = new Map<string, AccessToken>();
  private readonly secrets: string[] = [];
  private readonly revoked: string[] = [];

  private readonly accessTtlMs: number;
  private readonly refreshLimit: number;
  /** The fake clock: refresh token lifetimes are days and months, which tests move through. */
  private readonly now: () => number;

  constructor(clients: FakeClient[], accessTtlMs: number, refreshLimit: number, now: () => number = Date.now) {
    this.accessTtlMs = accessTtlMs;
    this.refreshLimit = refreshLimit;
    this.now = now;
    for (const c of clients) {
      this.clients.set(c.clientId, c);
      this.secrets.push(c.clientSecret);
    }
  }

  addUser(email: string, name?: string): User {
    const key = email.toLowerCase();
    const existing = this.users.get(key);
    if (existing) {
      if (name !== undefined) existing.name = name;
      return existing;
    }
    // Google subs are 21-digit decimal strings.
    const sub = '1' + String(randomInt(1e9)).padStart(9, '0') + String(randomInt(1e11)).padStart(11, '0');
    const user: User = { email, sub, ...(name === undefined ? {} : { name }) };
    this.users.set(key, user);
    return user;
  }

  user(email: string): User | undefined {
    return this.users.get(email.toLowerCase());
  }

  private grantKey(clientId: string, email: string): string {
    return `${clientId}\u0000${email.toLowerCase()}`;
  }

  /** A user has consented before when a grant with a live refresh token or scopes exists. */
  hasLiveGrant(clientId: string, email: string): boolean {
    return this.grants.has(this.grantKey(clientId, email));
  }

  grantedScopes(clientId: string, email: string): string[] {
    return this.grants.get(this.grantKey(clientId, email))?.scopes ?? [];
  }

  createCode(c: Omit<AuthCode, 'code' | 'expiresAt' | 'used'>): string {
    const code = '4/0A' + rand(54);
    this.codes.set(code, { ...c, code, expiresAt: Date.now() + CODE_TTL_MS, used: false });
    this.secrets.push(code);
    return code;
  }

  /** Returns the code record and marks it used; a second call (reuse) gets 'used'. */
  consumeCode(code: string): AuthCode | 'unknown' | 'used' | 'expired' {
    const rec = this.codes.get(code);
    if (!rec) return 'unknown';
    if (rec.used) return 'used';
    rec.used = true;
    return rec.expiresAt < Date.now() ? 'expired' : rec;
  }

  /** Records consent; scopes accumulate because Google keeps what a user granted before. */
  upsertGrant(clientId: string, email: string, scopes: string[], offline: boolean): Grant {
    const key = this.grantKey(clientId, email);
    const grant = this.grants.get(key) ?? { clientId, email, scopes: [], offline: false, refreshTokens: [] };
    for (const s of scopes) if (!grant.scopes.includes(s)) grant.scopes.push(s);
    grant.offline ||= offline;
    this.grants.set(key, grant);
    return grant;
  }

  issueRefreshToken(grant: Grant, scopes: string[]): string {
    const token = '1//0' + rand(75);
    const at = this.now();
    this.refresh.set(token, { token, grant, scopes, active: true, issuedAt: at, lastUsedAt: at });
    grant.refreshTokens.push(token);
    this.secrets.push(token);
    while (grant.refreshTokens.length > this.refreshLimit) {
      const oldest = grant.refreshTokens.shift();
      const rec = oldest === undefined ? undefined : this.refresh.get(oldest);
      if (rec) rec.active = false; // evicted silently, as Google does
    }
    return token;
  }

  issueAccessToken(grant: Grant, scopes: string[]): AccessToken {
    const token = 'ya29.a0' + rand(120);
    const rec: AccessToken = { token, grant, scopes, expiresAt: Date.now() + this.accessTtlMs, revoked: false };
    this.access.set(token, rec);
    this.secrets.push(token);
    return rec;
  }

  recordSecret(secret: string): void {
    this.secrets.push(secret);
  }

  liveRefreshToken(token: string): RefreshToken | undefined {
    const rec = this.refresh.get(token);
    if (!rec?.active) return undefined;
    if (this.expired(rec)) {
      rec.active = false;
      return undefined;
    }
    return rec;
  }

  /** A refresh grant used the token: it counts as used for the six-month disuse rule. */
  touchRefreshToken(rec: RefreshToken): void {
    rec.lastUsedAt = this.now();
  }

  private expired(rec: RefreshToken): boolean {
    const now = this.now();
    if (now - rec.lastUsedAt > DISUSE_LIMIT_MS) return true;
    const testing = this.clients.get(rec.grant.clientId)?.publishingStatus === 'testing';
    return testing && rec.scopes.some((s) => !PROFILE_SCOPES.has(s)) && now - rec.issuedAt > TESTING_LIFETIME_MS;
  }

  /** The user changed their password: Google revokes the refresh tokens that carry Gmail scopes. */
  changePassword(email: string): void {
    for (const rec of this.refresh.values()) {
      if (rec.active && rec.grant.email.toLowerCase() === email.toLowerCase() && rec.scopes.some(isGmailScope)) rec.active = false;
    }
  }

  liveAccessToken(token: string | undefined): AccessToken | undefined {
    const rec = token === undefined ? undefined : this.access.get(token);
    return rec && !rec.revoked && rec.expiresAt > Date.now() ? rec : undefined;
  }

  /** Revoke endpoint: either token kind kills the whole grant. False when nothing live matched. */
  revokeToken(token: string): boolean {
    const grant = this.liveRefreshToken(token)?.grant ?? this.liveAccessToken(token)?.grant;
    if (!grant) return false;
    this.revoked.push(token);
    this.revokeGrant(grant);
    return true;
  }

  revokeAllForUser(email: string): void {
    for (const grant of [...this.grants.values()]) {
      if (grant.email.toLowerCase() === email.toLowerCase()) this.revokeGrant(grant);
    }
  }

  private revokeGrant(grant: Grant): void {
    for (const rec of this.refresh.values()) if (rec.grant === grant) rec.active = false;
    for (const rec of this.access.values()) if (rec.grant === grant) rec.revoked = true;
    grant.refreshTokens.length = 0;
    this.grants.delete(this.grantKey(grant.clientId, grant.email));
  }

  revokedTokens(): string[] {
    return [...this.revoked];
  }

  issuedSecrets(): string[] {
    return [...this.secrets];
  }
}
