// Which keys can seal and open backups: INTAKE_BACKUP_KEY when set (so backups can be opened
// by someone who does not hold the secret key), else the active INTAKE_SECRET_KEY; every
// configured secret key can open.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config-schema.js';
import { parseKeyList } from '../crypto/key-source.js';
import { IntakeError } from '../errors/intake-error.js';
import type { BackupKey } from './backup-format.js';

export function backupKeys(config: Config): BackupKey[] {
  const keys: BackupKey[] = [];
  if (config.secrets.backupKey) {
    const k = Buffer.from(config.secrets.backupKey.trim(), 'base64');
    if (k.length !== 32) {
      throw new IntakeError(
        'INTAKE_ERR_BACKUP',
        'INTAKE_BACKUP_KEY must be base64 of 32 random bytes; generate one with `openssl rand -base64 32`',
      );
    }
    keys.push({ source: 'backup-key', key: k });
  }
  const file = join(config.dataDir, 'secret.key');
  const secret = config.secrets.secretKey ?? (existsSync(file) ? readFileSync(file, 'utf8') : undefined);
  if (secret) for (const key of parseKeyList(secret)) keys.push({ source: 'secret-key', key });
  return keys;
}

/** The key new backups are sealed with: the backup key when set, else the active secret key. */
export function sealingKey(keys: readonly BackupKey[]): BackupKey {
  const key = keys[0];
  if (!key) throw new IntakeError('INTAKE_ERR_BACKUP', 'no key to encrypt the backup: set INTAKE_BACKUP_KEY or INTAKE_SECRET_KEY');
  return key;
}
