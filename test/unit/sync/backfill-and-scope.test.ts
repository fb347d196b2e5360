import { describe, expect, it } from 'vitest';
import { backfillWindow, formatBackfillChoice, parseBackfillChoice } from '../../../src/sync/backfill-choice.js';
import { backfillProgress, progressLine } from '../../../src/sync/backfill-progress.js';
import { syncPlanFor, RESYNC_MARGIN_MS } from '../../../src/sync/sync-plan.js';
import { entersScope, listQuery, wantedLabelIds } from '../../../src/sources/gmail-scope.js';
import { previewKind } from '../../../src/sync/preview-kind.js';
import type { Mailbox, SyncState } from '../../../src/store/mailbox-repo.js';
import type { ParsedMessage } from '../../../src/ingest/parse/parsed-message.js';

const DAY = 86_400_000;

describe('backfill choice', () => {
  it("parseBackfillChoice(): accepts 'all', 'none', 'days:N' and {days: N}; anything else says what is expected", () => {
    expect(parseBackfillChoice('all')).toEqual({ mode: 'all' });
    expect(parseBackfillChoice('none')).toEqual({ mode: 'none' });
    expect(parseBackfillChoice('days:7')).toEqual({ mode: 'days', days: 7 });
    expect(parseBackfillChoice({ days: 30 })).toEqual({ mode: 'days', days: 30 });
    expect(parseBackfillChoice('weeks:2')).toMatchObject({ error: expect.stringContaining('"days:N"') });
    expect(parseBackfillChoice({ days: 0 })).toMatchObject({ error: expect.stringContaining('from 1 to') });
    expect(parseBackfillChoice({ days: 1.5 })).toMatchObject({ error: expect.stringContaining('whole number') });
    expect(formatBackfillChoice({ mode: 'days', days: 7 })).toBe('days:7');
  });

  it('backfillWindow(): days:N counts back from when the choice was made; none lists nothing; all lists everything', () => {
    expect(backfillWindow({ mode: 'days', days: 7 }, 10 * DAY)).toEqual({ afterMs: 3 * DAY });
    expect(backfillWindow({ mode: 'none' }, 10 * DAY)).toBe('none');
    expect(backfillWindow({ mode: 'all' }, 10 * DAY)).toEqual({ afterMs: null });
  });
});

const state = (over: Partial<SyncState>): SyncState => ({
  mailboxId: 1,
  historyId: null,
  backfillPageToken: null,
  backfillHistoryId: null,
  backfillDone: 0,
  backfillTotal: 0,
  lastSuccessAt: null,
  lastAttemptAt: null,
  lastErrorCode: null,
  consecutiveFailures: 0,
  backfillChoice: null,
  backfillChosenAt: null,
  awaitingConfirm: false,
  backfillQuery: null,
  backfillStartedAt: null,
  backfillImported: 0,
  backfillReason: null,
  ...over,
});
const mailbox = (s: Mailbox['state']): Mailbox => ({
  id: 1,
  email: 'a@example.com',
  source: 'gmail',
  state: s,
  stateReason: null,
  refreshTokenCipher: null,
  scopes: [],
  createdAt: 0,
  updatedAt: 0,
});

describe('sync plan and progress', () => {
  it('syncPlanFor(): a relist after expired history starts an hour before the last good sync; a mailbox from before choices lists all', () => {
    expect(syncPlanFor(state({ lastSuccessAt: 5 * DAY }))).toEqual({ first: { afterMs: null }, resyncAfterMs: 5 * DAY - RESYNC_MARGIN_MS });
    expect(syncPlanFor(state({ backfillChoice: 'days:2', backfillChosenAt: 5 * DAY })).first).toEqual({ afterMs: 3 * DAY });
    expect(syncPlanFor(state({ backfillChoice: 'none' })).first).toBe('none');
    // A 'none' mailbox whose cursor was reset after its import ran (queue lost, reconnect) relists since the choice.
    expect(syncPlanFor(state({ backfillChoice: 'none', backfillChosenAt: 5 * DAY, backfillStartedAt: 5 * DAY })).first).toEqual({
      afterMs: 5 * DAY - RESYNC_MARGIN_MS,
    });
  });

  it('backfillProgress(): reports imported / total, the rate and the ETA; done once every listed message is through', () => {
    const now = 100_000;
    const p = backfillProgress(mailbox('syncing'), state({ backfillStartedAt: 0, backfillDone: 1000, backfillImported: 250 }), now);
    expect(p).toEqual({ phase: 'importing', backfill: 'all', imported: 250, total: 1000, ratePerSecond: 2.5, etaSeconds: 300 });
    expect(progressLine(p!, 10)).toBe('[###-------]  25% 250/1000  2.5 msg/s  ETA 300 s  importing');
    const listing = backfillProgress(mailbox('backfilling'), state({ backfillStartedAt: 0, backfillTotal: 5000, backfillDone: 500 }), now);
    expect(listing).toMatchObject({ phase: 'listing', total: 5000 });
    const done = backfillProgress(mailbox('syncing'), state({ backfillStartedAt: 0, backfillDone: 4, backfillImported: 4 }), now);
    expect(done).toMatchObject({ phase: 'done', etaSeconds: 0 });
    expect(backfillProgress(mailbox('backfilling'), state({ awaitingConfirm: true, backfillChoice: 'days:7' }))).toMatchObject({
      phase: 'awaiting_confirm',
      backfill: 'days:7',
    });
  });
});

describe('fetch scope', () => {
  it('listQuery(): INBOX (and SENT, always: the team’s replies) is an OR group, with a label list or judged spam added; after: is epoch seconds', () => {
    expect(listQuery({ labels: ['INBOX'], spam: 'skip' }, null)).toBe('{in:inbox in:sent}');
    expect(listQuery({ labels: ['INBOX'], spam: 'skip' }, 1_700_000_000_999)).toBe('{in:inbox in:sent} after:1700000000');
    expect(listQuery({ labels: ['INBOX', 'SENT'], spam: 'skip' }, null)).toBe('{in:inbox in:sent}');
    expect(listQuery({ labels: ['INBOX', 'Support Queue'], spam: 'judge' }, null)).toBe('{in:inbox label:Support-Queue in:sent in:spam}');
  });

  it('entersScope(): new inbox mail and mail moved into INBOX enter; drafts, chats and Gmail spam (when skipped) never do', () => {
    const wanted = wantedLabelIds({ labels: ['INBOX'], spam: 'skip' }, new Map());
    const change = (labelIds: string[], addedLabels: string[] | null) => ({ id: 'x', threadId: null, labelIds, addedLabels });
    expect(entersScope(change(['INBOX', 'UNREAD'], null), wanted, 'skip')).toBe(true);
    expect(entersScope(change(['INBOX'], ['INBOX']), wanted, 'skip')).toBe(true);
    expect(entersScope(change(['INBOX', 'UNREAD'], ['UNREAD']), wanted, 'skip')).toBe(false);
    expect(entersScope(change(['DRAFT', 'INBOX'], null), wanted, 'skip')).toBe(false);
    expect(entersScope(change(['CHAT', 'INBOX'], null), wanted, 'skip')).toBe(false);
    expect(entersScope(change(['SPAM'], null), wanted, 'skip')).toBe(false);
    // The mailbox's own sent mail is taken (ingest keeps it as the outbound side of a ticket).
    expect(entersScope(change(['SENT'], null), wanted, 'skip')).toBe(true);
    const judged = wantedLabelIds({ labels: ['INBOX', 'Support'], spam: 'judge' }, new Map([['support', 'Label_7']]));
    expect([...judged].sort()).toEqual(['INBOX', 'Label_7', 'SENT', 'SPAM']);
    expect(entersScope(change(['SPAM'], null), judged, 'judge')).toBe(true);
    expect(entersScope(change(['Label_7'], ['Label_7']), judged, 'judge')).toBe(true);
  });
});

describe('preview kinds', () => {
  const parsed = (over: Partial<ParsedMessage>): ParsedMessage => ({
    messageId: null,
    inReplyTo: null,
    references: [],
    subject: 'Help',
    from: { address: 'c@example.net', name: '' },
    replyTo: null,
    to: [],
    cc: [],
    date: null,
    text: '',
    html: null,
    headers: new Map(),
    attachments: [],
    sizeBytes: 0,
    problems: [],
    ...over,
  });

  it('previewKind(): spam first, then machine mail (lists, auto-submitted, no-reply), then replies, else a new ticket', () => {
    expect(previewKind(parsed({}), 'ham')).toBe('ticket');
    expect(previewKind(parsed({}), 'spam')).toBe('spam');
    expect(previewKind(parsed({ headers: new Map([['list-id', ['<x>']]]) }), 'ham')).toBe('machine');
    expect(previewKind(parsed({ headers: new Map([['auto-submitted', ['auto-replied']]]) }), null)).toBe('machine');
    expect(previewKind(parsed({ headers: new Map([['auto-submitted', ['no']]]) }), null)).toBe('ticket');
    expect(previewKind(parsed({ from: { address: 'no-reply@shop.example', name: '' } }), null)).toBe('machine');
    expect(previewKind(parsed({ subject: 'Re: Help' }), null)).toBe('reply');
    expect(previewKind(parsed({ inReplyTo: 'a@b' }), null)).toBe('reply');
  });
});
