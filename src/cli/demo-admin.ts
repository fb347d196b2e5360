// The demo's admin account: created in the demo's temporary data directory so a newcomer can
// sign in to the admin page at once, with the sign-in printed (username, password, TOTP secret
// and otpauth URI) and the current TOTP code printed again whenever it changes. Only the demo
// does this: a real installation creates admins with `intake admin create`.
import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../log/logger.js';
import { buildCore } from '../daemon/core.js';
import { AdminRepo } from '../auth/admin-repo.js';
import { createAdminAccount, type CreatedAdmin } from '../auth/create-admin.js';

export const DEMO_ADMIN = 'demo';

export interface DemoAdmin extends CreatedAdmin {
  password: string;
}

/** Opens the demo's store once (migrating it), adds the admin, and closes it again. */
export async function createDemoAdmin(config: Config, log: Logger): Promise<DemoAdmin> {
  const core = buildCore(config, log);
  try {
    const password = randomBytes(12).toString('base64url');
    const created = await createAdminAccount(new AdminRepo(core.db, core.box), { username: DEMO_ADMIN, password });
    return { ...created, password };
  } finally {
    await core.steps.close();
  }
}

export function signInBanner(url: string, admin: DemoAdmin): string {
  return `Admin page   ${url}/admin   (a demo admin was made for you; the real way is \`intake admin create\`)
  username     ${admin.username}
  password     ${admin.password}
  TOTP secret  ${admin.totpSecret}   (or add this to an authenticator app: ${admin.otpauthUri})
  The current TOTP code is printed below whenever it changes (every 30 s).
`;
}

/** Prints the current TOTP code now and at every new 30-second step, until the returned stop is called. */
export function printTotpCodes(secret: string, write: (line: string) => void): () => void {
  let lastStep = -1;
  const tick = (): void => {
    const step = Math.floor(Date.now() / 30_000);
    if (step === lastStep) return;
    lastStep = step;
    void generate({ secret }).then((code) => write(`  TOTP code now: ${code}\n`));
  };
  tick();
  const timer = setInterval(tick, 1000);
  timer.unref();
  return () => clearInterval(timer);
}
