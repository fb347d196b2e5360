import { describe, expect, it } from 'vitest';
import { SlidingWindow } from '../../../src/google/sliding-window.js';
import { ProjectQuota } from '../../../src/google/quota-limiter.js';
import { backfillSeconds, backfillUnits, REGIMES } from '../../../src/google/quota-costs.js';
import { quotaSignal, retryAfterMs } from '../../../src/google/quota-signal.js';

const gmailError = (status: number, reason: string, message: string) => ({
  response: { status, data: { error: { code: status, message, errors: [{ reason }] } } },
});

function clock() {
  const c = { t: 1_000_000, now: () => c.t };
  return c;
}

describe('SlidingWindow', () => {
  it('waitFor(): when the window is full, waits exactly until the oldest spend that frees enough room leaves', () => {
    const w = new SlidingWindow(1000);
    w.spend(60, 0);
    w.spend(40, 500);
    expect(w.waitFor(10, 100, 600)).toBe(401); // the spend at 0 leaves after 1000 ms
    expect(w.waitFor(50, 100, 1001)).toBe(0);
    expect(w.used(1001)).toBe(40);
    expect(w.waitFor(70, 100, 1001)).toBe(500);
  });
});

describe('SlidingWindow reserve/settle', () => {
  it('a call in flight counts from when it is sent, and leaves the window only a window after its answer came back', () => {
    const w = new SlidingWindow(1000);
    w.reserve(60);
    // In flight for two whole windows (a slow network or a busy event loop): still counted.
    expect(w.used(2500)).toBe(60);
    expect(w.waitFor(50, 100, 2500)).toBe(5); // only in-flight calls block: check again soon
    w.settle(60, 2500);
    expect(w.used(3400)).toBe(60);
    expect(w.waitFor(50, 100, 3400)).toBe(101);
    expect(w.used(3501)).toBe(0);
  });
});

describe('MailboxQuota', () => {
  it('acquire(): a call that is slow to answer never lets its units leave before Google would count them out', async () => {
    const c = clock();
    const m = new ProjectQuota({ regime: 'legacy', windowMs: 60_000, maxInFlightPerUser: 100, now: c.now }).forMailbox();
    // 50 messages.get (250 units) fill legacy's per-second budget.
    const releases = await Promise.all(Array.from({ length: 50 }, () => m.acquire('messages.get')));
    expect(m.delayFor('messages.get')).toBeGreaterThan(0);
    c.t += 5_000; // the answers take five seconds
    expect(m.delayFor('messages.get')).toBeGreaterThan(0);
    for (const release of releases) release(null);
    expect(m.delayFor('messages.get')).toBeGreaterThan(1_000);
    c.t += 1_021; // a second plus the margin after the answers
    expect(m.delayFor('messages.get')).toBe(0);
  });

  it('delayFor(): in the current regime, lets exactly 300 messages.get through a minute, then waits for the window', () => {
    const c = clock();
    const m = new ProjectQuota({ regime: 'current', windowMs: 60_000, maxInFlightPerUser: 5, now: c.now }).forMailbox();
    let sent = 0;
    while (m.delayFor('messages.get') === 0 && sent < 1000) {
      (m as unknown as { user: SlidingWindow }).user.spend(20, c.t);
      sent++;
    }
    expect(sent).toBe(300);
    expect(m.delayFor('messages.get')).toBeGreaterThan(60_000);
    c.t += 61_201; // window plus the 2% margin
    expect(m.delayFor('messages.get')).toBe(0);
  });

  it('delayFor(): in the legacy regime, messages.get costs 5 and the 250 units/s average caps a burst at 50 calls', async () => {
    const c = clock();
    const m = new ProjectQuota({ regime: 'legacy', windowMs: 60_000, maxInFlightPerUser: 100, now: c.now }).forMailbox();
    expect(m.costOf('messages.get')).toBe(5);
    const releases = [];
    for (let i = 0; i < 50; i++) releases.push(await m.acquire('messages.get'));
    expect(m.delayFor('messages.get')).toBeGreaterThan(0);
    for (const r of releases) r(null);
  });

  it('readyIn(): answers the queue gate for several calls without spending, capped at a whole window', async () => {
    const c = clock();
    const project = new ProjectQuota({ regime: 'legacy', windowMs: 60_000, maxInFlightPerUser: 100, now: c.now });
    const m = project.forMailbox();
    // Legacy: 250 units per second, so 50 messages.get (5 each) fit at once.
    expect(m.readyIn('messages.get', 50)).toBe(0);
    const releases = [];
    for (let i = 0; i < 49; i++) releases.push(await m.acquire('messages.get'));
    expect(m.readyIn('messages.get', 1)).toBe(0);
    expect(m.readyIn('messages.get', 2)).toBeGreaterThan(0);
    expect(m.delayFor('messages.get')).toBe(0); // asking spent nothing
    // More calls than a window holds wait for that window to empty, never "never".
    const many = m.readyIn('messages.get', 10_000);
    expect(many).toBeGreaterThan(0);
    expect(many).toBeLessThanOrEqual(61_201); // the per-minute window plus its 2% margin
    for (const r of releases) r(null);
    // A project-wide pause holds every mailbox, including one the gate has not seen yet.
    project.pausedUntil = c.t + 5_000;
    expect(m.readyIn('messages.get')).toBe(5_000);
    expect(project.readyIn(project.costOf('messages.get'))).toBe(5_000);
  });

  it('acquire(): mailboxes of one project share its budget, so a second mailbox waits when the first spent it', async () => {
    const c = clock();
    const project = new ProjectQuota({ regime: 'current', windowMs: 60_000, maxInFlightPerUser: 5, now: c.now });
    const a = project.forMailbox();
    const b = project.forMailbox();
    project.window.spend(REGIMES.current.perProjectPerMinute - 10, c.t);
    expect(a.delayFor('messages.get')).toBeGreaterThan(0);
    expect(b.delayFor('messages.get')).toBeGreaterThan(0);
    expect(b.delayFor('history.list')).toBe(0);
  });

  it('release(): on userRateLimitExceeded steps the pace down and pauses; 50 good calls step it back up by 5%', async () => {
    const c = clock();
    const m = new ProjectQuota({ regime: 'current', windowMs: 60_000, maxInFlightPerUser: 5, now: c.now, random: () => 0.5 }).forMailbox();
    const release = await m.acquire('history.list');
    release(gmailError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded'));
    expect(m.factor).toBeCloseTo(0.7);
    expect(m.delayFor('history.list')).toBeGreaterThan(0);
    c.t += 120_000;
    for (let i = 0; i < 50; i++) (await m.acquire('history.list'))(null);
    expect(m.factor).toBeCloseTo(0.75);
  });

  it("release(): honours Google's 'Retry after' time, and the concurrency answer lowers the in-flight cap", async () => {
    const c = clock();
    const m = new ProjectQuota({ regime: 'current', windowMs: 60_000, maxInFlightPerUser: 5, now: c.now }).forMailbox();
    const at = new Date(c.t + 7_000).toISOString();
    (await m.acquire('history.list'))(gmailError(429, 'rateLimitExceeded', `User-rate limit exceeded.  Retry after ${at}`));
    expect(m.delayFor('history.list')).toBe(7_000);
    c.t += 7_000;
    (await m.acquire('history.list'))(gmailError(429, 'rateLimitExceeded', 'Too many concurrent requests for user.'));
    expect(m.inFlightCap).toBe(4);
  });

  it('release(): rateLimitExceeded for the project or dailyLimitExceeded pause every mailbox of the project, with jitter', async () => {
    const c = clock();
    const project = new ProjectQuota({ regime: 'current', windowMs: 60_000, maxInFlightPerUser: 5, now: c.now, random: () => 0 });
    const a = project.forMailbox();
    const b = project.forMailbox();
    (await a.acquire('history.list'))(gmailError(429, 'rateLimitExceeded', 'Rate Limit Exceeded'));
    expect(b.delayFor('history.list')).toBe(1_500); // half of windowMs/20 with no jitter
    c.t += 2_000;
    (await a.acquire('history.list'))(gmailError(403, 'dailyLimitExceeded', 'Daily Limit Exceeded'));
    expect(b.delayFor('history.list')).toBeGreaterThanOrEqual(300_000);
  });
});

describe('quota arithmetic and signals', () => {
  it('backfillSeconds(): a 5,000-message backfill takes about 17 minutes in the current regime and 100 s in the legacy one', () => {
    expect(backfillUnits(5000, 'current')).toBe(5000 * 20 + 10 * 5 + 1);
    expect(Math.round(backfillSeconds(5000, 'current') / 60)).toBe(17);
    expect(Math.round(backfillSeconds(5000, 'legacy'))).toBe(100);
  });

  it('quotaSignal(): tells the user, project, concurrency and daily limits apart from the error body', () => {
    expect(quotaSignal(gmailError(429, 'rateLimitExceeded', 'User-rate limit exceeded.  Retry after 2026-01-01T00:00:00Z'))).toBe('user');
    expect(quotaSignal(gmailError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded'))).toBe('user');
    expect(quotaSignal(gmailError(429, 'rateLimitExceeded', 'Rate Limit Exceeded'))).toBe('project');
    expect(quotaSignal(gmailError(429, 'rateLimitExceeded', 'Too many concurrent requests for user.'))).toBe('concurrency');
    expect(quotaSignal(gmailError(403, 'dailyLimitExceeded', 'Daily Limit Exceeded'))).toBe('daily');
    expect(quotaSignal(gmailError(503, 'backendError', 'Backend Error'))).toBeNull();
    expect(
      retryAfterMs(gmailError(429, 'rateLimitExceeded', 'User-rate limit exceeded.  Retry after 1970-01-01T00:00:10.000Z'), 4000),
    ).toBe(6000);
  });
});
