// Gmail watch state and Pub/Sub push delivery (SPEC.md §3.7): which users are watched on
// which topic until when, the push subscriptions (topic -> endpoint), and the POST Pub/Sub
// makes to an endpoint when a watched mailbox changes: at most one per second per user
// (coalesced, carrying the latest historyId), with an OIDC token the fake signs.
import { randomInt } from 'node:crypto';
import type { FakeClock } from './clock.js';
import { signJwt } from './jwt.js';
import type { HistoryRecord, Mailbox } from './mailbox-state.js';
import type { FakePushSubscription, FakePushRecord, FakeWatch } from './types.js';

const MIN_GAP_MS = 1000; // Gmail: "at most one notification per second per user"
const RETRIES = [200, 800]; // Pub/Sub redelivers what was not acked; two quick retries stand in
const DEFAULT_PUSHER = 'gmail-push@fake-project.iam.gserviceaccount.com';
const KEEP_RECORDS = 10_000;

interface Pending {
  lastSentAt: number;
  timer: NodeJS.Timeout | undefined;
}

export class FakePush {
  private readonly clock: FakeClock;
  private readonly subs = new Map<string, FakePushSubscription>();
  private readonly watches = new Map<string, FakeWatch>();
  private readonly pending = new Map<string, Pending>();
  private readonly sent: FakePushRecord[] = [];
  private readonly tokens: string[] = [];
  private dropping = false;
  private closed = false;
  dropped = 0;

  constructor(clock: FakeClock, subscriptions: FakePushSubscription[] = []) {
    this.clock = clock;
    for (const s of subscriptions) this.subscribe(s);
  }

  subscribe(sub: FakePushSubscription): void {
    this.subs.set(sub.topicName, sub);
  }

  /** Drops every push from now on (true) or sends again (false), as a lost notification would. */
  setDropping(drop: boolean): void {
    this.dropping = drop;
  }

  watch(email: string, w: Omit<FakeWatch, 'expiration'>, ttlMs: number): FakeWatch {
    const watch = { ...w, expiration: this.clock.now() + ttlMs };
    this.watches.set(email.toLowerCase(), watch);
    return watch;
  }

  stop(email: string): void {
    this.watches.delete(email.toLowerCase());
  }

  /** The user's watch, unless it has passed its expiration on the fake's clock. */
  watchOf(email: string): FakeWatch | undefined {
    const w = this.watches.get(email.toLowerCase());
    return w && w.expiration > this.clock.now() ? w : undefined;
  }

  records(): FakePushRecord[] {
    return [...this.sent];
  }

  issuedTokens(): string[] {
    return [...this.tokens];
  }

  /** Called by the mailbox on every history record. */
  onChange(box: Mailbox, record: HistoryRecord): void {
    const w = this.watchOf(box.email);
    if (!w || this.closed || !matchesFilter(w, record)) return;
    if (this.dropping || !this.subs.has(w.topicName)) {
      this.dropped++;
      return;
    }
    const key = box.email.toLowerCase();
    const p = this.pending.get(key) ?? { lastSentAt: 0, timer: undefined };
    this.pending.set(key, p);
    if (p.timer) return; // the push already due carries the newer historyId
    const wait = Math.max(0, p.lastSentAt + MIN_GAP_MS - Date.now());
    p.timer = setTimeout(() => {
      p.timer = undefined;
      p.lastSentAt = Date.now();
      void this.send(box, w.topicName);
    }, wait);
    p.timer.unref();
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) clearTimeout(p.timer);
  }

  private async send(box: Mailbox, topicName: string): Promise<void> {
    const sub = this.subs.get(topicName);
    if (!sub || this.dropping) return;
    const data = Buffer.from(JSON.stringify({ emailAddress: box.email, historyId: String(box.historyId) })).toString('base64');
    const body = JSON.stringify({
      message: { data, messageId: String(randomInt(1, 2 ** 47)), publishTime: new Date().toISOString(), attributes: {} },
      subscription: sub.subscription ?? `projects/fake-project/subscriptions/${topicName.split('/').pop() ?? 'push'}-push`,
    });
    const token = this.token(sub);
    for (let attempt = 0; ; attempt++) {
      const status = await post(sub.endpoint, token, body);
      this.record({ email: box.email, historyId: String(box.historyId), status, attempt, at: Date.now() });
      if ((status >= 200 && status < 300) || attempt >= RETRIES.length || this.closed) return;
      await new Promise((r) => setTimeout(r, RETRIES[attempt]).unref());
    }
  }

  /** Pub/Sub's push OIDC token: signed by Google, aud = the subscription's audience (default: the endpoint URL). */
  private token(sub: FakePushSubscription): string {
    const iat = Math.floor(Date.now() / 1000);
    const email = sub.serviceAccountEmail ?? DEFAULT_PUSHER;
    const token = signJwt({
      iss: 'https://accounts.google.com',
      aud: sub.audience ?? sub.endpoint,
      azp: '1000000000000000000001',
      sub: '1000000000000000000001',
      email,
      email_verified: true,
      iat,
      exp: iat + 3600,
    });
    this.tokens.push(token);
    if (this.tokens.length > KEEP_RECORDS) this.tokens.splice(0, this.tokens.length - KEEP_RECORDS);
    return token;
  }

  private record(r: FakePushRecord): void {
    this.sent.push(r);
    if (this.sent.length > KEEP_RECORDS) this.sent.splice(0, this.sent.length - KEEP_RECORDS);
  }
}

/** labelIds + labelFilterBehavior of users.watch: include (any of the labels) or exclude (none of them). */
function matchesFilter(w: FakeWatch, r: HistoryRecord): boolean {
  if (w.labelIds.length === 0) return true;
  const touched = new Set([...r.message.labelIds, ...(r.labelsAdded ?? []), ...(r.labelsRemoved ?? [])]);
  const hit = w.labelIds.some((l) => touched.has(l));
  return w.labelFilterBehavior === 'exclude' ? !hit : hit;
}

/** The status the endpoint answered, or 0 when it could not be reached. */
async function post(endpoint: string, token: string, body: string): Promise<number> {
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
