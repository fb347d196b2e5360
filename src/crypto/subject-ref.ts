// A keyed hash that stands for a person or mailbox address in the audit log, so the log
// can say "this subject was erased" without holding the address in clear text.
import { createHmac, hkdfSync } from 'node:crypto';

export type SubjectRefFn = (address: string) => string;

export function subjectRefFn(macRoot: Buffer): SubjectRefFn {
  const key = Buffer.from(hkdfSync('sha256', macRoot, Buffer.alloc(0), 'intake audit subject v1', 32));
  return (address) => `addr:${createHmac('sha256', key).update(address.trim().toLowerCase()).digest('hex').slice(0, 24)}`;
}
