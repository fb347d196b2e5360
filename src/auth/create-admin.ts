// Creating an admin account: the one code path `intake admin create` and the tests use.
// Returns the TOTP secret and recovery codes so the caller can show them exactly once.
import { IntakeError } from '../errors/intake-error.js';
import type { AdminRepo } from './admin-repo.js';
import { hashPassword, passwordProblem } from './password-hash.js';
import { newTotpSecret, totpUri } from './totp.js';
import { newRecoveryCodes } from './recovery-codes.js';

export interface CreatedAdmin {
  id: number;
  username: string;
  totpSecret: string;
  otpauthUri: string;
  recoveryCodes: string[];
}

export async function createAdminAccount(admins: AdminRepo, input: { username: string; password: string }): Promise<CreatedAdmin> {
  const username = input.username.trim();
  if (!/^[\w.@+-]{3,64}$/.test(username)) {
    throw new IntakeError('INTAKE_ERR_BAD_REQUEST', 'the username must be 3-64 letters, digits or . _ @ + -');
  }
  const problem = passwordProblem(input.password);
  if (problem) throw new IntakeError('INTAKE_ERR_BAD_REQUEST', problem);
  if (admins.findByUsername(username)) {
    throw new IntakeError('INTAKE_ERR_BAD_REQUEST', `an admin named "${username}" already exists`);
  }
  const totpSecret = newTotpSecret();
  const recoveryCodes = newRecoveryCodes();
  const id = admins.create({ username, passwordHash: await hashPassword(input.password), totpSecret, recoveryCodes });
  return { id, username, totpSecret, otpauthUri: totpUri(totpSecret, username), recoveryCodes };
}
