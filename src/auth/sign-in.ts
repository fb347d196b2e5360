// Signing an admin in: password, then the second factor (a TOTP code or an unused recovery
// code). Attempts are reserved per account (persisted lockout) and per client IP (in
// memory) before the password is checked; every failure gives the same answer, so it
// does not say which part was wrong.
import type { AdminRepo } from './admin-repo.js';
import type { SessionRepo, Session } from './session-repo.js';
import type { LoginThrottle } from './login-throttle.js';
import { verifyPassword } from './password-hash.js';
import { checkTotp } from './totp.js';
import { looksLikeRecoveryCode } from './recovery-codes.js';

export interface AuthSettings {
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  maxFailedLogins: number;
  lockoutMinutes: number;
  ipMaxFailures: number;
  ipWindowMinutes: number;
}

export interface SignInDeps {
  admins: AdminRepo;
  sessions: SessionRepo;
  throttle: LoginThrottle;
  settings: AuthSettings;
  now?: () => number;
  /** The scrypt check; a seam so a test can count how many checks an attack got. */
  verifyPassword?: (password: string, stored: string) => Promise<boolean>;
}

export interface SignInInput {
  username: string;
  password: string;
  code: string;
  ip: string;
}

export type SignInResult =
  | { ok: true; cookieValue: string; session: Session; usedRecoveryCode: boolean }
  | { ok: false; reason: 'invalid' | 'locked'; retryAfterMs: number; adminId?: number };

// Spent on unknown usernames so a miss takes as long as a wrong password.
const DUMMY_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export async function signIn(deps: SignInDeps, input: SignInInput): Promise<SignInResult> {
  const now = (deps.now ?? Date.now)();
  const { settings } = deps;
  const ipKey = `ip:${input.ip}`;
  // Both reservations are taken before the first await: no parallel attempt can slip
  // between a check of a counter and its increment.
  const ipWait = deps.throttle.reserve(ipKey, ipRule(settings));
  if (ipWait > 0) return { ok: false, reason: 'locked', retryAfterMs: ipWait };
  const admin = deps.admins.findByUsername(input.username.trim());
  if (admin) {
    const reservation = deps.admins.reserveAttempt(admin.id, now, settings.maxFailedLogins, lockoutMs(settings));
    if (!reservation.ok) return { ok: false, reason: 'locked', retryAfterMs: reservation.retryAfterMs, adminId: admin.id };
  }
  const verify = deps.verifyPassword ?? verifyPassword;
  const passwordOk = await verify(input.password, admin?.passwordHash ?? DUMMY_HASH);
  const factor = admin && passwordOk ? await secondFactor(deps, admin.id, admin.totpSecret, admin.totpLastStep, input.code, now) : null;
  if (!admin) return { ok: false, reason: 'invalid', retryAfterMs: 0 };
  if (!factor) {
    const failure = deps.admins.confirmFailure(admin.id, now, settings.maxFailedLogins, lockoutMs(settings));
    return { ok: false, reason: failure.locked ? 'locked' : 'invalid', retryAfterMs: failure.retryAfterMs, adminId: admin.id };
  }
  // Success releases both reservations.
  deps.admins.recordLogin(admin.id);
  deps.throttle.recordSuccess(ipKey);
  const { cookieValue, session } = deps.sessions.create(admin.id);
  return { ok: true, cookieValue, session, usedRecoveryCode: factor === 'recovery' };
}

async function secondFactor(
  deps: SignInDeps,
  adminId: number,
  secret: string,
  lastStep: number,
  code: string,
  now: number,
): Promise<'totp' | 'recovery' | null> {
  const trimmed = code.replace(/\s/g, '');
  if (/^\d{6}$/.test(trimmed)) {
    const step = await checkTotp(secret, trimmed, lastStep, now);
    // The conditional update decides: of parallel sign-ins with one code, one consumes it.
    return step !== null && deps.admins.consumeTotpStep(adminId, step) ? 'totp' : null;
  }
  if (looksLikeRecoveryCode(trimmed) && deps.admins.useRecoveryCode(adminId, trimmed)) return 'recovery';
  return null;
}

const lockoutMs = (s: AuthSettings): number => s.lockoutMinutes * 60_000;

function ipRule(s: AuthSettings) {
  return { maxFailures: s.ipMaxFailures, windowMs: s.ipWindowMinutes * 60_000, lockoutMs: s.ipWindowMinutes * 60_000 };
}
