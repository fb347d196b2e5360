// Reads Message-ID style headers. Senders get these wrong in many ways (no brackets, comments,
// folding inside an id), and threading depends on getting the bare id out regardless.

const BRACKETED = /<([^<>]*)>/g;

/** Every id in the value, in order, brackets and whitespace removed. */
export function readMessageIds(value: string): string[] {
  const ids: string[] = [];
  for (const match of value.matchAll(BRACKETED)) {
    const id = (match[1] ?? '').replace(/\s+/g, '');
    if (id.length > 0) ids.push(id);
  }
  if (ids.length > 0 || value.includes('<')) return ids;
  // No brackets at all: old or broken senders write bare ids; '@' keeps prose words out.
  return value.split(/\s+/).filter((token) => token.includes('@'));
}

export function readFirstMessageId(value: string | undefined): string | null {
  if (value === undefined) return null;
  return readMessageIds(value)[0] ?? null;
}
