// The OAuth `state` parameter: a random nonce signed with a key derived from the secret
// key, stored with its PKCE verifier, single-use, expiring after ten minutes, and bound
// to the session that started the consent when there is one.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/database.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { IntakeError } from '../errors/intake-error.js';

export const STATE_TTL_MS = 10 * 60_000;

export interface PendingConsent {
  codeVerifier: string;
  source: 'gmail' | 'imap';
  scopes: string[];
  /** Who started the consent, for the audit entry of the connection (absent: unknown). */
  actor?: string;
}

export class OAuthStateStore {
  private readonly db: Db;
  private readonly box: SecretBox;
  private readonly macKey: Buffer;
  private readonly now: () => number;

  constructor(db: Db, box: SecretBox, macRoot: Buffer, now: () => number = Date.now) {
    this.db = db;
    this.box = box;
    this.macKey = Buffer.from(hkdfSync('sha256', macRoot, Buffer.alloc(0), 'intake oauth state v1', 32));
    this.now = now;
  }

  create(pending: PendingConsent, sessionRef: string | null): string {
    const nonce = randomBytes(24).toString('base64url');
    this.db
      .prepare(
        'INSERT INTO oauth_states (nonce, verifier_cipher, session_ref, source, scopes, created_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        nonce,
        this.box.seal(pending.codeVerifier),
        sessionRef,
        pending.source,
        pending.scopes.join(' '),
        this.now(),
        pending.actor ?? null,
      );
    this.db.prepare('DELETE FROM oauth_states WHERE created_at < ?').run(this.now() - 24 * 3_600_000);
    return `${nonce}.${this.sign(nonce, sessionRef)}`;
  }

  /** Throws INTAKE_ERR_OAUTH_STATE naming which check failed; marks the state used either way. */
  consume(state: string | undefined, sessionRef: string | null): PendingConsent {
    const [nonce, mac] = (state ?? '').split('.');
    if (!nonce || !mac) throw stateError('missing or malformed');
    const row = this.db
      .prepare<
        [string],
        {
          verifier_cipher: string;
          session_ref: string | null;
          source: string;
          scopes: string;
          created_at: number;
          used_at: number | null;
          actor: string | null;
        }
      >('SELECT * FROM oauth_states WHERE nonce = ?')
      .get(nonce);
    if (!row || !this.verify(nonce, row.session_ref, mac)) throw stateError('tampered or unknown');
    if (row.used_at !== null) throw stateError('already used (replayed)');
    // Used once, whatever happens next: the row stays (to recognise a replay), the verifier goes.
    this.db.prepare("UPDATE oauth_states SET used_at = ?, verifier_cipher = '' WHERE nonce = ?").run(this.now(), nonce);
    if (this.now() - row.created_at > STATE_TTL_MS) throw stateError('expired (older than 10 minutes)');
    if (row.session_ref !== null && row.session_ref !== sessionRef) throw stateError('issued to another session');
    return {
      codeVerifier: this.box.open(row.verifier_cipher),
      source: row.source as 'gmail' | 'imap',
      scopes: row.scopes.split(' '),
      ...(row.actor ? { actor: row.actor } : {}),
    };
  }

  private sign(nonce: string, sessionRef: string | null): string {
    return createHmac('sha256', this.macKey)
      .update(`${nonce}|${sessionRef ?? ''}`)
      .digest('base64url');
  }

  private verify(nonce: string, sessionRef: string | null, mac: string): boolean {
    const expected = Buffer.from(this.sign(nonce, sessionRef));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

function stateError(why: string): IntakeError {
  return new IntakeError('INTAKE_ERR_OAUTH_STATE', `OAuth state ${why}; start the connection again`);
}
