// TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s, as Google Authenticator expects).
// Accepts one step of clock drift either way and refuses a step already used (replay).
import { generateSecret, generateURI, verify } from 'otplib';

export const TOTP_ISSUER = 'Intake';

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, username: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: username, secret });
}

/**
 * The time step the code belongs to when it is valid and newer than `lastStep`, else null.
 * The caller stores the step so the same code cannot be used twice.
 */
export async function checkTotp(secret: string, code: string, lastStep: number, nowMs = Date.now()): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const epoch = Math.floor(nowMs / 1000);
  const result = await verify({ secret, token: code, epoch, epochTolerance: 30 });
  if (!result.valid) return null;
  const step = Math.floor(epoch / 30) + result.delta;
  return step > lastStep ? step : null;
}
