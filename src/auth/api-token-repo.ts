// REST API tokens: shown once at creation, stored as SHA-256 digests, scoped admin or
// agent, revocable, with the time each was last used (written at most once a minute).
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../store/database.js';

export type TokenScope = 'admin' | 'agent';

export interface ApiTokenInfo {
  id: number;
  name: string;
  scope: TokenScope;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface TokenRow {
  id: number;
  name: string;
  scope: TokenScope;
  created_at: number;
  created_by: string;
  last_used_at: number | null;
  revoked_at: number | null;
}

const TOKEN_PREFIX = 'itk_';
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
export const hashApiToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class ApiTokenRepo {
  private readonly db: Db;
  private readonly byHash;

  constructor(db: Db) {
    this.db = db;
    this.byHash = db.prepare<[string], { id: number; scope: TokenScope; last_used_at: number | null; revoked_at: number | null }>(
      'SELECT id, scope, last_used_at, revoked_at FROM api_tokens WHERE token_hash = ?',
    );
  }

  /** The token itself is returned once and never stored. */
  create(input: { name: string; scope: TokenScope; createdBy: string }): { token: string; info: ApiTokenInfo } {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const info = this.db
      .prepare('INSERT INTO api_tokens (name, scope, token_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)')
      .run(input.name, input.scope, hashApiToken(token), Date.now(), input.createdBy);
    return { token, info: this.get(Number(info.lastInsertRowid)) as ApiTokenInfo };
  }

  /** The scope of a live token, recording its use; null when unknown or revoked. */
  verify(token: string, now = Date.now()): TokenScope | null {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const row = this.byHash.get(hashApiToken(token));
    if (!row || row.revoked_at !== null) return null;
    if (row.last_used_at === null || now - row.last_used_at > 60_000) {
      this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now, row.id);
    }
    return row.scope;
  }

  /** The id of a stored token (live or not), so the audit log can name the caller. */
  idOf(token: string): number | null {
    return token.startsWith(TOKEN_PREFIX) ? (this.byHash.get(hashApiToken(token))?.id ?? null) : null;
  }

  get(id: number): ApiTokenInfo | undefined {
    const row = this.db.prepare<[number], TokenRow>('SELECT * FROM api_tokens WHERE id = ?').get(id);
    return row && toInfo(row);
  }

  list(): ApiTokenInfo[] {
    return this.db.prepare<[], TokenRow>('SELECT * FROM api_tokens ORDER BY id').all().map(toInfo);
  }

  /** True when the token was live and is now revoked. */
  revoke(id: number): boolean {
    return this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(Date.now(), id).changes === 1;
  }
}

function toInfo(r: TokenRow): ApiTokenInfo {
  return {
    id: r.id,
    name: r.name,
    scope: r.scope,
    createdAt: iso(r.created_at) as string,
    createdBy: r.created_by,
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  };
}
