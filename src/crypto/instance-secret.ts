// The installation's own random root for MACs and keyed hashes. Deriving them from the
// encryption key would change every audit hash and void every pending consent at each key
// rotation; this root is created once, sealed by the SecretBox and re-sealed by rotation.
import { randomBytes } from 'node:crypto';
import type { Db } from '../store/database.js';
import type { SecretBox } from './secret-box.js';

const NAME = 'mac-root';

export function loadInstanceSecret(db: Db, box: SecretBox): Buffer {
  // INSERT OR IGNORE: two processes starting at once agree on the first one written.
  db.prepare('INSERT OR IGNORE INTO instance_secrets (name, cipher, created_at) VALUES (?, ?, ?)').run(
    NAME,
    box.seal(randomBytes(32).toString('base64')),
    Date.now(),
  );
  const row = db.prepare<[string], { cipher: string }>('SELECT cipher FROM instance_secrets WHERE name = ?').get(NAME);
  return Buffer.from(box.open((row as { cipher: string }).cipher), 'base64');
}
