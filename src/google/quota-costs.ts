// Google's two Gmail quota regimes (SPEC.md §3.8): what each method costs in units and
// how many units a user and a project may spend per minute. Pure data plus the arithmetic
// an admin needs ("how long does a backfill of N messages take?").

export type QuotaRegime = 'current' | 'legacy';

const LEGACY_UNITS = {
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

export type GmailMethod = keyof typeof LEGACY_UNITS;

/** Projects created on or after 2026-05-01; methods not in Google's new table keep the legacy cost. */
const CURRENT_UNITS: Record<GmailMethod, number> = { ...LEGACY_UNITS, 'messages.get': 20, 'messages.attachments.get': 20 };

export interface RegimeLimits {
  units: Readonly<Record<GmailMethod, number>>;
  perUserPerMinute: number;
  /** Legacy only: a 250 units/s moving average on top of the per-minute limit. */
  perUserPerSecond: number | null;
  perProjectPerMinute: number;
}

export const REGIMES: Readonly<Record<QuotaRegime, RegimeLimits>> = {
  current: { units: CURRENT_UNITS, perUserPerMinute: 6_000, perUserPerSecond: null, perProjectPerMinute: 1_200_000 },
  legacy: { units: LEGACY_UNITS, perUserPerMinute: 15_000, perUserPerSecond: 250, perProjectPerMinute: 1_200_000 },
};

/** Units a full sync of `messages` costs: one messages.get each plus a messages.list per 500. */
export function backfillUnits(messages: number, regime: QuotaRegime): number {
  const u = REGIMES[regime].units;
  return messages * u['messages.get'] + Math.ceil(messages / 500) * u['messages.list'] + u.getProfile;
}

/** Seconds one mailbox's backfill takes at the per-user limit (the per-project one is shared). */
export function backfillSeconds(messages: number, regime: QuotaRegime): number {
  return (backfillUnits(messages, regime) / REGIMES[regime].perUserPerMinute) * 60;
}
