import { describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { checkTotp, newTotpSecret, totpUri } from '../../../src/auth/totp.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../../src/auth/password-hash.js';
import { hashRecoveryCode, newRecoveryCodes } from '../../../src/auth/recovery-codes.js';

describe('TOTP, passwords and recovery codes', () => {
  it('checkTotp(): accepts the current code and one step of drift, refuses a step already used and a wrong code', async () => {
    const secret = newTotpSecret();
    const now = 1_800_000_000_000;
    const code = await generate({ secret, epoch: now / 1000 });
    const step = await checkTotp(secret, code, 0, now);
    expect(step).toBe(Math.floor(now / 30_000));
    expect(await checkTotp(secret, code, step as number, now)).toBeNull();
    expect(await checkTotp(secret, await generate({ secret, epoch: now / 1000 - 30 }), 0, now)).toBe((step as number) - 1);
    expect(await checkTotp(secret, await generate({ secret, epoch: now / 1000 - 120 }), 0, now)).toBeNull();
    expect(await checkTotp(secret, 'abcdef', 0, now)).toBeNull();
  });

  it('totpUri(): is an otpauth://totp URI with issuer Intake that authenticator apps read', () => {
    expect(totpUri('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'ops')).toBe(
      'otpauth://totp/Intake:ops?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Intake',
    );
  });

  it('hashPassword(): produces a salted scrypt hash that verifies the password and nothing else', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain('correct');
    expect(await hashPassword('correct horse battery')).not.toBe(hash);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
    expect(passwordProblem('short')).toContain('12');
  });

  it('newRecoveryCodes(): gives ten distinct codes whose hash ignores case and dashes', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    const first = codes[0] as string;
    expect(hashRecoveryCode(first.toUpperCase().replace(/-/g, ''))).toBe(hashRecoveryCode(first));
    expect(hashRecoveryCode(first)).not.toContain(first.replace(/-/g, ''));
  });
});
