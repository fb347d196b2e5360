// Normalising a subject for the "same requester, same subject" rule: reply and forward
// prefixes in the languages our users write (Re:, Fwd:, AW:, SV:, RE[2]: ...) and the ticket
// tag are stripped, case and spacing folded. Pure.

/** Re, Fw/Fwd, AW/WG (German), SV/VS (Nordic), TR (French), RV/RE (Spanish), Antw (Dutch), with an optional [n] or (n) count. */
const PREFIX = /^\s*(?:re|fwd?|aw|wg|sv|vs|tr|rv|antw|ref)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/i;
const MAX_PREFIXES = 20;

export function stripReplyPrefixes(subject: string): string {
  let s = subject;
  for (let i = 0; i < MAX_PREFIXES; i++) {
    const next = s.replace(PREFIX, '');
    if (next === s) break;
    s = next;
  }
  return s;
}

/** '' when nothing distinctive is left: an empty subject must never join unrelated mail. */
export function subjectKey(subject: string, tag: RegExp | null = null): string {
  let s = subject;
  if (tag) s = s.replace(new RegExp(tag.source, 'g'), ' ');
  s = stripReplyPrefixes(s.trim());
  // A tag can sit between prefixes ("Re: [#12] Re: x"), so strip once more after it went.
  s = stripReplyPrefixes(s.replace(/\s+/g, ' ').trim());
  return s.toLowerCase().normalize('NFC');
}
