// RS256 id_tokens and the matching public certs, so OAuth2Client.verifyIdToken()
// works against the fake exactly as against accounts.google.com.
import { createHash, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

// One key per process: generating RSA keys costs ~100 ms and tests start many fakes.
let cached: SigningKey | undefined;

function signingKey(): SigningKey {
  if (!cached) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const kid = createHash('sha1').update(der).digest('hex');
    cached = { kid, privateKey, publicKey };
  }
  return cached;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(claims: Record<string, unknown>): string {
  const key = signingKey();
  const head = b64url({ alg: 'RS256', kid: key.kid, typ: 'JWT' });
  const input = `${head}.${b64url(claims)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

/** at_hash: left half of SHA-256 of the access token, as OIDC Core 3.1.3.6 defines. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}

/** Body of /oauth2/v1/certs: kid -> PEM. */
export function pemCerts(): Record<string, string> {
  const key = signingKey();
  return { [key.kid]: key.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Body of /oauth2/v3/certs: a JWK set. */
export function jwkCerts(): { keys: Record<string, unknown>[] } {
  const key = signingKey();
  const jwk = key.publicKey.export({ format: 'jwk' });
  return { keys: [{ ...jwk, kid: key.kid, alg: 'RS256', use: 'sig' }] };
}
