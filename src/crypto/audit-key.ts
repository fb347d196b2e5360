// The key of the audit log's hash chain, derived from the installation's MAC root, so a
// row can only be re-hashed by someone holding the secret key (not by a database editor).
import { hkdfSync } from 'node:crypto';

export function auditChainKey(macRoot: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', macRoot, Buffer.alloc(0), 'intake audit chain v1', 32));
}
