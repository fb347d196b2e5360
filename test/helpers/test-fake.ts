// Starts the fake Google for a test and, when it closes, records every secret it issued
// in test-artifacts/secrets for the post-run log scan.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startFakeGoogle, type FakeGoogle, type FakeGoogleOptions } from '../../src/dev/fake-google/index.js';
import { ARTIFACTS } from './test-log.js';

/**
 * Tests run Google's quota at its real shape on a 1 s window (testConfig does the same on
 * Intake's side), so a few hundred messages take a second, not a minute.
 */
export const TEST_QUOTA_WINDOW_MS = 1000;

export async function startTestFake(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const fake = await startFakeGoogle({ quotaWindowMs: TEST_QUOTA_WINDOW_MS, ...options });
  const close = fake.close.bind(fake);
  return Object.assign(Object.create(Object.getPrototypeOf(fake) as object) as FakeGoogle, fake, {
    close: async () => {
      recordSecrets(fake.issuedSecrets());
      await close();
    },
  });
}

export function recordSecrets(secrets: string[]): void {
  const dir = join(ARTIFACTS, 'secrets');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${process.pid}-${randomBytes(4).toString('hex')}.json`), JSON.stringify(secrets));
}
