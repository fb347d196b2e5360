// Who may announce Gmail changes on POST /push/gmail: a Pub/Sub push carrying an OIDC token
// Google signed (signature against Google's certs, issuer, audience, expiry, and the push
// service account's verified email), or the shared secret of the endpoint URL. The certs are
// fetched once per their max-age by a single request, so a flood of pushes (or of forged
// ones) costs one fetch, not one each.
import { createHash, timingSafeEqual } from 'node:crypto';
import { OAuth2Client } from 'google-auth-library';

const ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
const DEFAULT_CERTS_TTL_MS = 3600_000;
/** A token naming a key we do not hold refetches at most this often (Google rotates keys). */
const UNKNOWN_KID_REFETCH_MS = 60_000;

export interface PushVerifierOptions {
  /** The subscription's audience; '' turns OIDC off (only the shared secret is accepted). */
  audience: string;
  /** The service account the subscription pushes as; '' accepts any Google-verified sender. */
  serviceAccountEmail: string;
  sharedSecret: string | undefined;
  certsUrl: string;
  timeoutMs: number;
}

export interface PushCredentials {
  bearer: string | null;
  token: string | null;
}

type Certs = Record<string, string>;

export class PushTokenVerifier {
  private readonly options: PushVerifierOptions;
  private readonly secretDigest: Buffer | null;
  private readonly client = new OAuth2Client();
  private certs: { value: Certs; expiresAt: number; fetchedAt: number } | undefined;
  private fetching: Promise<Certs> | undefined;

  constructor(options: PushVerifierOptions) {
    this.options = options;
    this.secretDigest = options.sharedSecret ? sha256(options.sharedSecret) : null;
  }

  /** True when either credential proves the push; never throws. */
  async verify(c: PushCredentials): Promise<boolean> {
    if (c.token !== null && this.secretDigest && timingSafeEqual(sha256(c.token), this.secretDigest)) return true;
    if (c.bearer === null || !this.options.audience) return false;
    try {
      return await this.verifyOidc(c.bearer);
    } catch {
      return false;
    }
  }

  private async verifyOidc(jwt: string): Promise<boolean> {
    const kid = kidOf(jwt);
    if (kid === null) return false;
    let certs = await this.currentCerts(false);
    if (!(kid in certs)) certs = await this.currentCerts(true);
    if (!(kid in certs)) return false;
    const ticket = await this.client.verifySignedJwtWithCertsAsync(jwt, certs, this.options.audience, ISSUERS);
    const payload = ticket.getPayload();
    if (!payload || payload.email_verified !== true || !payload.email) return false;
    const expected = this.options.serviceAccountEmail;
    return !expected || payload.email.toLowerCase() === expected.toLowerCase();
  }

  private async currentCerts(unknownKid: boolean): Promise<Certs> {
    const now = Date.now();
    const c = this.certs;
    if (c && !unknownKid && now < c.expiresAt) return c.value;
    if (c && unknownKid && now - c.fetchedAt < UNKNOWN_KID_REFETCH_MS) return c.value;
    this.fetching ??= this.fetchCerts().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async fetchCerts(): Promise<Certs> {
    const res = await fetch(this.options.certsUrl, { signal: AbortSignal.timeout(this.options.timeoutMs) });
    if (!res.ok) throw new Error(`certs answered ${res.status}`);
    const value = (await res.json()) as Certs;
    const maxAge = /max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1];
    const now = Date.now();
    this.certs = { value, fetchedAt: now, expiresAt: now + (maxAge ? Number(maxAge) * 1000 : DEFAULT_CERTS_TTL_MS) };
    return value;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function kidOf(jwt: string): string | null {
  const head = jwt.split('.')[0];
  if (!head || jwt.split('.').length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { kid?: unknown; alg?: unknown };
    return header.alg === 'RS256' && typeof header.kid === 'string' ? header.kid : null;
  } catch {
    return null;
  }
}
