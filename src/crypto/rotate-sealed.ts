// `intake keys rotate`: re-encrypts every sealed value under the active key in one
// transaction, so a retired key can be dropped from INTAKE_SECRET_KEY afterwards.
import type { Db } from '../store/database.js';
import type { SecretBox } from './secret-box.js';

/** Every column that holds SecretBox output. A new sealed column must be added here. */
export const SEALED_COLUMNS = [
  { table: 'mailboxes', column: 'refresh_token_cipher', key: 'id' },
  { table: 'pending_revocations', column: 'token_cipher', key: 'id' },
  { table: 'oauth_states', column: 'verifier_cipher', key: 'nonce' },
  { table: 'admins', column: 'totp_secret_cipher', key: 'id' },
  { table: 'instance_secrets', column: 'cipher', key: 'name' },
] as const;

export interface RotationCount {
  column: string;
  rotated: number;
  alreadyCurrent: number;
}

/** All or nothing: a value no configured key opens aborts the whole rotation (INTAKE_ERR_DECRYPT). */
export function rotateSealedValues(db: Db, box: SecretBox): RotationCount[] {
  return db.transaction(() =>
    SEALED_COLUMNS.map(({ table, column, key }) => {
      const rows = db
        .prepare<[], { k: string | number; v: string }>(
          `SELECT ${key} AS k, ${column} AS v FROM ${table} WHERE ${column} IS NOT NULL AND ${column} != ''`,
        )
        .all();
      const update = db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${key} = ?`);
      let rotated = 0;
      for (const row of rows) {
        if (box.keyIdOfSealed(row.v) === box.activeKeyId) continue;
        update.run(box.seal(box.open(row.v)), row.k);
        rotated++;
      }
      return { column: `${table}.${column}`, rotated, alreadyCurrent: rows.length - rotated };
    }),
  )();
}
