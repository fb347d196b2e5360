// What the first sync of a mailbox imports: everything, nothing old, or the last N days.
// Pure parsing and arithmetic, shared by the API, the admin page, the CLI and the sync pass.

export type BackfillChoice = { mode: 'all' } | { mode: 'none' } | { mode: 'days'; days: number };

const MAX_DAYS = 36_500;
const DAY_MS = 86_400_000;

/** Accepts 'all', 'none', 'days:N' or { days: N }; returns the choice or what is wrong. */
export function parseBackfillChoice(input: unknown): BackfillChoice | { error: string } {
  if (input === 'all' || input === 'none') return { mode: input };
  let days: unknown;
  if (typeof input === 'string') {
    const m = /^days:\s*(\d+)$/.exec(input.trim());
    if (!m) return { error: `backfill must be "all", "none" or "days:N" (N whole days), not "${input.slice(0, 40)}"` };
    days = Number(m[1]);
  } else if (typeof input === 'object' && input !== null && 'days' in input) {
    days = input.days;
  } else {
    return { error: 'backfill must be "all", "none", "days:N" or {"days": N}' };
  }
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    return { error: `backfill days must be a whole number from 1 to ${MAX_DAYS}` };
  }
  return { mode: 'days', days };
}

export function isChoiceError(v: BackfillChoice | { error: string }): v is { error: string } {
  return 'error' in v;
}

export function formatBackfillChoice(c: BackfillChoice): string {
  return c.mode === 'days' ? `days:${c.days}` : c.mode;
}

/**
 * The window a first sync lists: 'none' lists nothing, null lists everything, a number
 * lists mail Google received at or after that instant (epoch ms).
 */
export type BackfillWindow = 'none' | { afterMs: number | null };

export function backfillWindow(c: BackfillChoice, chosenAt: number): BackfillWindow {
  if (c.mode === 'none') return 'none';
  if (c.mode === 'all') return { afterMs: null };
  return { afterMs: chosenAt - c.days * DAY_MS };
}
