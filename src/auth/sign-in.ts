// Signing an admin in: password, then the second factor (a TOTP code or an unused recovery
// code). Failures count per account (persisted lockout) and per client IP (in memory);
// every failure gives the same answer, so it does not say which part was wrong.
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
}

export interface SignInInput {
  username: string;
  password: string;
  code: string;
  ip: string;
}

export type SignInResult =
  | { ok: true; cookieValue: string; session: Session; usedRecoveryCode: boolean }
  | { ok: false; reason: 'invalid' | 'locked'; retryAfterMs: number };

// Spent on unknown usernames so a miss takes as long as a wrong password.
const DUMMY_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export async function signIn(deps: SignInDeps, input: SignInInput): Promise<SignInResult> {
  const now = (deps.now ?? Date.now)();
  const ipKey = `ip:${input.ip}`;
  const ipWait = deps.throttle.retryAfterMs(ipKey);
  if (ipWait > 0) return { ok: false, reason: 'locked', retryAfterMs: ipWait };
  const admin = deps.admins.findByUsername(input.username.trim());
  if (admin && admin.lockedUntil > now) {
    deps.throttle.recordFailure(ipKey, ipRule(deps.settings));
    return { ok: false, reason: 'locked', retryAfterMs: admin.lockedUntil - now };
  }
  const passwordOk = await verifyPassword(input.password, admin?.passwordHash ?? DUMMY_HASH);
  const factor = admin && passwordOk ? await secondFactor(deps, admin.id, admin.totpSecret, admin.totpLastStep, input.code, now) : null;
  if (!admin || !factor) {
    deps.throttle.recordFailure(ipKey, ipRule(deps.settings));
    if (admin) return recordAccountFailure(deps, admin.id, admin.failedLogins, now);
    return { ok: false, reason: 'invalid', retryAfterMs: 0 };
  }
  deps.admins.recordLogin(admin.id);
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
    if (step === null) return null;
    deps.admins.recordTotpStep(adminId, step);
    return 'totp';
  }
  if (looksLikeRecoveryCode(trimmed) && deps.admins.useRecoveryCode(adminId, trimmed)) return 'recovery';
  return null;
}

function recordAccountFailure(deps: SignInDeps, adminId: number, failedBefore: number, now: number): SignInResult {
  const failed = failedBefore + 1;
  if (failed >= deps.settings.maxFailedLogins) {
    const lockedUntil = now + deps.settings.lockoutMinutes * 60_000;
    deps.admins.recordFailure(adminId, 0, lockedUntil);
    return { ok: false, reason: 'locked', retryAfterMs: lockedUntil - now };
  }
  deps.admins.recordFailure(adminId, failed, 0);
  return { ok: false, reason: 'invalid', retryAfterMs: 0 };
}

function ipRule(s: AuthSettings) {
  return { maxFailures: s.ipMaxFailures, windowMs: s.ipWindowMinutes * 60_000, lockoutMs: s.ipWindowMinutes * 60_000 };
}
