// The ticket tag in a subject ("[#123]" by default; threading.ticketTagFormat): building the
// pattern from the configured format and reading the ticket id out of a subject. Pure.

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The format with `{id}` as a capture group of digits. */
export function ticketTagPattern(format: string): RegExp {
  const [before, ...rest] = format.split('{id}');
  return new RegExp(`${escapeRegExp(before ?? '')}(\\d{1,15})${escapeRegExp(rest.join('{id}'))}`);
}

export function ticketTagIn(subject: string, pattern: RegExp): number | null {
  const m = pattern.exec(subject);
  if (!m?.[1]) return null;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export function formatTicketTag(format: string, ticketId: number): string {
  return format.replace('{id}', String(ticketId));
}
