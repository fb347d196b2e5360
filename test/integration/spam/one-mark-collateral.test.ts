// Learning without collateral: from the starter model, one message marked spam whose header
// shape (mailer, Message-ID form, missing Date, priority, charset) is shared by a set of
// unrelated ham may change the verdict of fewer than 1% of that ham.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markMessage } from '../../../src/spam/spam-feedback.js';
import { SpamFilter } from '../../../src/spam/spam-filter.js';
import type { SpamInput } from '../../../src/spam/spam-input.js';
import { spamInputFromRaw } from '../../../src/spam/spam-input.js';
import { defaultSpamOptions } from '../../../src/spam/spam-options.js';
import { ensureStarterModel } from '../../../src/spam/starter-model.js';
import { tempDb } from './spam-db.js';
import type { TempDb } from './spam-db.js';

const HAM_COUNT = 150;
const GREETINGS = ['Hi Anna', 'Hello team', 'Dear Mr Okafor', 'Hi all', 'Good afternoon', 'Hello Priya'];
const TOPICS = [
  'the delivery of the oak shelves is planned for Wednesday morning',
  'our accountant needs the signed contract before the end of the quarter',
  'the workshop on Friday moves to the second floor meeting room',
  'I attached the corrected timesheet for last week',
  'the replacement part for the coffee machine has arrived at the front desk',
  'can you confirm the number of guests for the dinner on the 14th',
  'the server maintenance window is Sunday between two and four',
  'please review the draft of the tender before we send it to the council',
];
const CLOSINGS = ['Best regards, Tom', 'Thanks, Lena', 'Kind regards, the office', 'Cheers, Marco'];

/** One header shape for all: a rare mailer, a bare-host Message-ID, no Date, a priority, a charset. */
function shapedMessage(i: number, from: string, subject: string, body: string): Buffer {
  const head = [
    `From: ${from}`,
    'To: support@intake.test',
    `Subject: ${subject}`,
    `Message-ID: <${1000 + i}.${(i * 7919).toString(36)}@mailhost>`,
    'X-Mailer: Quillbox Sender 7.2',
    'X-Priority: 3',
    'X-Quillbox-Queue: q7',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="windows-1250"',
    'Content-Transfer-Encoding: 8bit',
  ].join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${body}\r\n`);
}

function hamMessage(i: number): Buffer {
  const body = `${GREETINGS[i % GREETINGS.length]},\n\n${TOPICS[i % TOPICS.length]}. ${TOPICS[(i * 3 + 1) % TOPICS.length]}.\n\n${CLOSINGS[i % CLOSINGS.length]}`;
  const subject = `${['Re: ', '', 'Fwd: '][i % 3]}${TOPICS[(i * 5) % TOPICS.length]!.split(' ').slice(1, 4).join(' ')}`;
  return shapedMessage(i, `Colleague ${i} <person${i}@firm${i % 37}.example>`, subject, body);
}

const SPAM = shapedMessage(
  9999,
  'Prize Desk <claims@winners-desk.example>',
  'You have been selected: claim your reward',
  'Congratulations! You were selected to receive a $500 reward voucher. Claim it now before it expires: http://winners-desk.example/claim?id=77\n\nLimited offer, act today.',
);

let t: TempDb;
let filter: SpamFilter;
let ham: SpamInput[];

beforeAll(async () => {
  t = tempDb();
  filter = new SpamFilter(t.db, defaultSpamOptions());
  expect((await ensureStarterModel(filter, { starterModel: true })).status).toBe('trained');
  ham = await Promise.all(Array.from({ length: HAM_COUNT }, (_, i) => spamInputFromRaw(hamMessage(i))));
}, 300_000);
afterAll(() => t.close());

describe('one mark without collateral', () => {
  it('marking one spam that shares its header shape with unrelated ham changes the verdict of fewer than 1% of that ham', async () => {
    const before = ham.map((m) => filter.classify(m).verdict);
    expect(before.filter((v) => v === 'ham').length).toBeGreaterThan(HAM_COUNT / 2);
    const deps = { db: t.db, filter, audit: () => undefined };
    markMessage(deps, {
      docKey: 'msg:1:spam',
      input: await spamInputFromRaw(SPAM),
      label: 'spam',
      actor: 'agent:1',
      subjectRef: 'message:1',
    });
    expect(filter.trainedAs('msg:1:spam')).toBe('spam');
    const after = ham.map((m) => filter.classify(m).verdict);
    const changed = after.filter((v, i) => v !== before[i]).length;
    expect(changed / HAM_COUNT).toBeLessThan(0.01);
  });

  it('the same mark without the floor (minTokenCount 0) would move that ham: the test can fail', () => {
    const loose = new SpamFilter(t.db, defaultSpamOptions({ minTokenCount: 0 }));
    const strict = new SpamFilter(t.db, defaultSpamOptions());
    const scoreLoose = ham.map((m) => loose.classify(m).score);
    const scoreStrict = ham.map((m) => strict.classify(m).score);
    const lifted = scoreLoose.filter((s, i) => s > scoreStrict[i]! + 0.01).length;
    expect(lifted).toBeGreaterThan(HAM_COUNT / 2);
  });
});
