// Reads the Date header. mailparser substitutes "now" for a date it cannot read, which would
// silently reorder tickets, so the header is read here and an unreadable one is reported.

/** RFC 5322 dates always carry a time; V8 also accepts bare numbers such as "1" as a year. */
const HAS_TIME = /\d:\d\d/;

export type DateReading = { ms: number | null; problem: string | null };

export function readMailDate(value: string | undefined): DateReading {
  if (value === undefined || value.trim() === '') return { ms: null, problem: null };
  const ms = HAS_TIME.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? { ms: null, problem: 'Date header unparseable' } : { ms, problem: null };
}
