// CSRF protection for every form. Signed-in forms carry the synchronizer token stored with
// the session; the sign-in form, which has no session yet, carries an HMAC of a random
// nonce that sits in a short-lived cookie (a signed double submit).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Constant-time equality of a submitted token with the expected one. */
export function tokenMatches(expected: string, submitted: unknown): boolean {
  if (typeof submitted !== 'string' || submitted.length === 0) return false;
  return timingSafeEqual(digest(expected), digest(submitted));
}

export function newLoginNonce(): string {
  return randomBytes(24).toString('base64url');
}

export function loginFormToken(key: Buffer, nonce: string): string {
  return createHmac('sha256', key).update(`login-form|${nonce}`).digest('base64url');
}
