import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { rawMail } from './support.js';

// google.labelImported: mail that became part of a ticket gets the label in Gmail, in batches;
// nothing is deleted, archived or marked read, and mail the guard held back is not labelled.
describe('google.labelImported', () => {
  let fake: FakeGoogle;
  let t: TestDaemon;
  const BOX = 'labels@intake.test';
  const LABEL = 'Intake/Ticketed';

  beforeAll(async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake, { google: { labelImported: true, importedLabelName: LABEL } });
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('labels: imported mail gets Intake/Ticketed (created once) through messages.batchModify, keeping INBOX and UNREAD', async () => {
    fake.addUser(BOX);
    expect(await t.connect(BOX)).toBe(200);
    const a = fake.deliver(BOX, rawMail({ from: 'ann@customer.test', to: BOX, subject: 'First', messageId: 'l1@customer.test' }));
    const b = fake.deliver(BOX, rawMail({ from: 'bob@customer.test', to: BOX, subject: 'Second', messageId: 'l2@customer.test' }));
    const ooo = fake.deliver(
      BOX,
      rawMail({
        from: 'cat@customer.test',
        to: BOX,
        subject: 'Out of office',
        messageId: 'l3@customer.test',
        headers: ['Auto-Submitted: auto-replied'],
      }),
    );
    const labelled = () => [a, b].every((m) => fake.labelNamesOf(BOX, m.id).includes(LABEL));
    expect(await waitFor(labelled, (v) => v)).toBe(true);
    for (const m of [a, b]) expect(fake.labelNamesOf(BOX, m.id)).toEqual(expect.arrayContaining(['INBOX', 'UNREAD', LABEL]));
    await waitFor(
      () => (t.daemon.db.prepare('SELECT COUNT(*) AS n FROM suppressed').get() as { n: number }).n,
      (n) => n === 1,
    );
    expect(fake.labelNamesOf(BOX, ooo.id)).not.toContain(LABEL);
    expect(fake.requestCount(/\/messages\/batchModify$/)).toBeGreaterThanOrEqual(1);
    expect(fake.requestCount(/\/messages\/[^/]+\/modify$/)).toBe(0);
    expect(fake.requestCount(/\/labels$/)).toBeLessThanOrEqual(3); // one list, one create (then cached)
  });
});
