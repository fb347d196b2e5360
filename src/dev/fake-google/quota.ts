// Gmail's quota as Google enforces it (SPEC.md §3.8), in either regime, per fake client
// (a client stands for one Cloud project): units per method, a per-user-per-project
// sliding window per minute (legacy adds a 250 units/s moving average), a per-project
// window, a per-project daily budget and a per-user in-flight cap. The window may be
// scaled down (same shape, less time) for benchmarks.

const LEGACY = {
  getProfile: 1,
  'history.list': 2,
  'labels.list': 1,
  'labels.get': 1,
  'labels.create': 5,
  'labels.delete': 5,
  'messages.list': 5,
  'messages.get': 5,
  'messages.attachments.get': 5,
  'messages.modify': 5,
  'messages.batchModify': 50,
  'messages.delete': 10,
  watch: 100,
  stop: 50,
} as const;

export type GmailMethod = keyof typeof LEGACY;
export type QuotaRegime = 'current' | 'legacy';

/** Legacy units, as callers of the fake knew them before the May 2026 change. */
export const QUOTA_UNITS: Readonly<Record<GmailMethod, number>> = LEGACY;

export const REGIME_UNITS: Readonly<Record<QuotaRegime, Readonly<Record<GmailMethod, number>>>> = {
  legacy: LEGACY,
  current: { ...LEGACY, 'messages.get': 20, 'messages.attachments.get': 20 },
};

const PER_USER_PER_MINUTE: Record<QuotaRegime, number> = { current: 6_000, legacy: 15_000 };

export interface QuotaSettings {
  regime: QuotaRegime;
  /** Google's is 60,000 ms; the per-minute limits apply per this window, the per-second ones per a sixtieth of it. */
  windowMs: number;
  /** Override of the per-user units per window (default: the regime's per-minute figure). */
  perUserPerWindow?: number;
  /** Override of the per-user units per second (legacy default 250; current: none). */
  perUserPerSecond?: number;
  perProjectPerWindow: number;
  /** Units per project per (fake) day; past it, 403 dailyLimitExceeded. */
  dailyPerProject: number;
  maxConcurrentPerUser: number;
}

export type QuotaRefusal = { kind: 'user' | 'project' | 'daily' | 'concurrency'; waitMs: number };

class Window {
  private times: number[] = [];
  private units: number[] = [];
  private head = 0;
  total = 0;

  readonly ms: number;

  constructor(ms: number) {
    this.ms = ms;
  }

  used(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - this.ms) {
      this.total -= this.units[this.head] ?? 0;
      this.head++;
    }
    if (this.head > 4096) {
      this.times = this.times.slice(this.head);
      this.units = this.units.slice(this.head);
      this.head = 0;
    }
    return this.total;
  }

  /** ms until the oldest spend leaves the window. */
  nextExpiry(now: number): number {
    return Math.max(1, (this.times[this.head] ?? now) + this.ms - now);
  }

  add(units: number, now: number): void {
    this.times.push(now);
    this.units.push(units);
    this.total += units;
  }
}

interface UserCounters {
  minute: Window;
  second: Window | null;
  inFlight: number;
}

interface ProjectCounters {
  window: Window;
  day: number;
  dayUnits: number;
}

export class FakeQuota {
  private readonly users = new Map<string, UserCounters>();
  private readonly projects = new Map<string, ProjectCounters>();

  private readonly settings: QuotaSettings;
  private readonly regimeOf: (clientId: string) => QuotaRegime;

  constructor(settings: QuotaSettings, regimeOf: (clientId: string) => QuotaRegime = () => settings.regime) {
    this.settings = settings;
    this.regimeOf = regimeOf;
  }

  units(clientId: string, method: GmailMethod): number {
    return REGIME_UNITS[this.regimeOf(clientId)][method];
  }

  /** Charges a call, or says which limit refused it (nothing is charged then). */
  charge(clientId: string, user: string, method: GmailMethod, now = Date.now()): QuotaRefusal | null {
    const units = this.units(clientId, method);
    const p = this.project(clientId, now);
    const u = this.user(clientId, user);
    if (p.dayUnits + units > this.settings.dailyPerProject) return { kind: 'daily', waitMs: 86_400_000 - (now % 86_400_000) };
    if (p.window.used(now) + units > this.settings.perProjectPerWindow) return { kind: 'project', waitMs: p.window.nextExpiry(now) };
    const regime = this.regimeOf(clientId);
    const perWindow = this.settings.perUserPerWindow ?? PER_USER_PER_MINUTE[regime];
    if (u.minute.used(now) + units > perWindow) return { kind: 'user', waitMs: u.minute.nextExpiry(now) };
    if (u.second && u.second.used(now) + units > this.perSecond(regime)) return { kind: 'user', waitMs: u.second.nextExpiry(now) };
    p.window.add(units, now);
    p.dayUnits += units;
    u.minute.add(units, now);
    u.second?.add(units, now);
    return null;
  }

  /** Per-user concurrency: false when the user already has the cap in flight. */
  enter(clientId: string, user: string): boolean {
    const u = this.user(clientId, user);
    if (u.inFlight >= this.settings.maxConcurrentPerUser) return false;
    u.inFlight++;
    return true;
  }

  leave(clientId: string, user: string): void {
    const u = this.user(clientId, user);
    u.inFlight = Math.max(0, u.inFlight - 1);
  }

  private perSecond(regime: QuotaRegime): number {
    return this.settings.perUserPerSecond ?? (regime === 'legacy' ? 250 : Infinity);
  }

  private user(clientId: string, user: string): UserCounters {
    const key = `${clientId}|${user}`;
    let u = this.users.get(key);
    if (!u) {
      const hasSecond = Number.isFinite(this.perSecond(this.regimeOf(clientId)));
      // The per-second average is a sixtieth of the window: shrinking the window keeps the shape.
      const second = new Window(this.settings.windowMs / 60);
      u = { minute: new Window(this.settings.windowMs), second: hasSecond ? second : null, inFlight: 0 };
      this.users.set(key, u);
    }
    return u;
  }

  private project(clientId: string, now: number): ProjectCounters {
    let p = this.projects.get(clientId);
    const day = Math.floor(now / 86_400_000);
    if (!p) {
      p = { window: new Window(this.settings.windowMs), day, dayUnits: 0 };
      this.projects.set(clientId, p);
    }
    if (p.day !== day) {
      p.day = day;
      p.dayUnits = 0;
    }
    return p;
  }
}
