import { describe, expect, it } from 'vitest';
import { createLogger, setLogSubjectRef, type LogAddressPolicy } from '../../../src/log/logger.js';

function capture(addresses?: LogAddressPolicy) {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', addresses, destination: { write: (s: string) => void lines.push(s) } });
  return { log, text: () => lines.join('') };
}

describe('addresses in log lines', () => {
  it('createLogger(): by default, replaces addresses in fields, nested lists, messages and errors with a keyed hash', () => {
    const { log, text } = capture();
    log.info({ email: 'Ann@Example.com', to: [{ address: 'bo@example.org', name: 'Bo' }], mailboxId: 3 }, 'mail for cy@example.net');
    log.error({ err: new Error('cannot deliver to dee@example.com') }, 'failed');
    const out = text();
    for (const a of ['ann@example.com', 'Ann@Example.com', 'bo@example.org', 'cy@example.net', 'dee@example.com'])
      expect(out).not.toContain(a);
    expect(out).toMatch(/"email":"addr~[0-9a-f]{24}"/);
    expect(out).toContain('"mailboxId":3');
    expect(out).toContain('"name":"Bo"');
  });

  it("setLogSubjectRef(): once the installation's key is known, a child logger writes the audit log's subject hash", () => {
    const { log, text } = capture();
    setLogSubjectRef(log, (a) => `addr:${a.length}`);
    log.child({ module: 'x' }).info({ address: 'ann@example.com' }, 'seen');
    expect(text()).toContain('"address":"addr:15"');
  });

  it("createLogger(): with 'redact' drops addresses, with 'clear' keeps them", () => {
    const redacted = capture('redact');
    redacted.log.info({ from: 'ann@example.com' }, 'hi ann@example.com');
    expect(redacted.text()).not.toContain('ann@example.com');
    expect(redacted.text()).toContain('"from":"[redacted]"');
    const clear = capture('clear');
    clear.log.info({ from: 'ann@example.com' }, 'hi');
    expect(clear.text()).toContain('"from":"ann@example.com"');
  });
});
