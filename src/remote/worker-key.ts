// The key a store host shares with its remote workers (INTAKE_WORKER_KEY, base64 of 32 random
// bytes): one subkey seals access tokens in Redis, another MACs commit payloads. It is not the
// store's secret key: a worker host never holds what opens the refresh tokens.
import { hkdfSync } from 'node:crypto';
import { IntakeError } from '../errors/intake-error.js';
import { SecretBox } from '../crypto/secret-box.js';

export interface WorkerKeys {
  tokenBox: SecretBox;
  commitMacKey: Buffer;
}

export function workerKeys(secret: string | undefined): WorkerKeys {
  if (!secret) {
    throw new IntakeError(
      'INTAKE_ERR_CONFIG',
      'remote workers need INTAKE_WORKER_KEY (or INTAKE_WORKER_KEY_FILE), the same on the store host and every worker: base64 of 32 random bytes, e.g. `openssl rand -base64 32`',
      false,
    );
  }
  const key = Buffer.from(secret.trim(), 'base64');
  if (key.length !== 32) {
    throw new IntakeError('INTAKE_ERR_CONFIG', 'INTAKE_WORKER_KEY must be base64 of exactly 32 bytes (`openssl rand -base64 32`)', false);
  }
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
  return { tokenBox: new SecretBox([derive('intake remote token seal')]), commitMacKey: derive('intake remote commit mac') };
}
