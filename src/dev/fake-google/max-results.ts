// maxResults as Gmail reads it: absent means 100, above 500 is capped (SPEC.md §3.2), and
// zero, negative or non-numeric values are a 400, as Google answers them.

export function maxResultsOf(p: URLSearchParams): number | string {
  const raw = p.get('maxResults');
  if (raw === null) return 100;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) return `Invalid value at 'max_results' (${raw.slice(0, 20)}): must be a positive integer`;
  return Math.min(500, Number(raw));
}
