// SpamBayes-style mining of the headers the older header-features.ts leaves alone: which
// headers are present, the Received chain (hops, relay hosts and networks), Date quirks
// and skew, subject case and punctuation, priority flags. Bulk senders leave these traces.
import { baseDomain } from './header-features.js';

const MAX_HEADER_NAMES = 60;
const MAX_RECEIVED = 8;
const RECEIVED_HOST = /\b(?:from|by)\s+([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi;
const IPV4 = /\[?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}\]?/g;
const HOUR_MS = 3_600_000;
// Nearly every message has these, so their presence says nothing, yet a few agent marks of
// one class could tilt them and drag all mail along: only their absence is a token.
const COMMON_HEADERS = ['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type', 'received'];

export function headerTokens(headers: ReadonlyMap<string, string[]>, subject: string): string[] {
  return [
    ...headerNameTokens(headers),
    ...receivedTokens(headers.get('received') ?? []),
    ...dateTokens(headers),
    ...subjectTokens(subject),
    ...priorityTokens(headers),
  ];
}

/** Presence of each header name: list software, mailers and spamware each add their own. */
export function headerNameTokens(headers: ReadonlyMap<string, string[]>): string[] {
  const out: string[] = COMMON_HEADERS.filter((name) => !headers.has(name)).map((name) => `hdr:no-${name}`);
  for (const name of headers.keys()) {
    if (out.length >= MAX_HEADER_NAMES) break;
    if (!COMMON_HEADERS.includes(name)) out.push(`hdr:${name}`);
  }
  return out;
}

/** Hop count, and the relays' domains and /16 and /24 networks (SpamBayes' mine_received). */
export function receivedTokens(received: readonly string[]): string[] {
  const out = new Set<string>([`received:hops:${Math.min(received.length, MAX_RECEIVED)}`]);
  for (const line of received.slice(0, MAX_RECEIVED)) {
    for (const m of line.matchAll(RECEIVED_HOST)) {
      const host = (m[1] ?? '').toLowerCase();
      if (!/^\d+(\.\d+)+$/.test(host)) out.add(`received:${baseDomain(host)}`);
    }
    for (const m of line.matchAll(IPV4)) {
      if (m[1] === '127' || m[1] === '10' || (m[1] === '192' && m[2] === '168')) continue;
      out.add(`received:ip:${m[1]}.${m[2]}`);
      out.add(`received:ip:${m[1]}.${m[2]}.${m[3]}`);
    }
  }
  return [...out];
}

/** Spamware writes odd dates: no zone, no weekday, far from when the first relay saw it. */
export function dateTokens(headers: ReadonlyMap<string, string[]>): string[] {
  const date = headers.get('date')?.[0];
  if (!date) return [];
  const out: string[] = [];
  if (!/^\s*[a-z]{3},/i.test(date)) out.push('date:no-weekday');
  const zone = /\s([+-]\d{4}|[a-z]{1,5})(\s*\(.*\))?\s*$/i.exec(date)?.[1];
  out.push(zone ? `date:zone:${zone.toLowerCase()}` : 'date:no-zone');
  const sent = Date.parse(date);
  const lastHop = headers.get('received')?.[0];
  const seen = lastHop ? Date.parse(lastHop.slice(lastHop.lastIndexOf(';') + 1).trim()) : NaN;
  if (Number.isNaN(sent)) out.push('date:unparsable');
  else if (!Number.isNaN(seen)) out.push(`date:skew:${skewBucket((seen - sent) / HOUR_MS)}`);
  return out;
}

function skewBucket(hours: number): string {
  if (hours < -2) return 'future';
  if (hours < 1) return 'under-1h';
  if (hours < 24) return 'under-1d';
  return hours < 24 * 30 ? 'under-30d' : 'over-30d';
}

/** Case and punctuation of the subject, which the lower-cased word tokens lose. */
export function subjectTokens(subject: string): string[] {
  const out: string[] = [];
  const letters = subject.replace(/[^a-z]/gi, '');
  if (letters.length >= 8 && letters === letters.toUpperCase()) out.push('subj:all-caps');
  for (const m of subject.matchAll(/[!?$*%]{2,}|[!$]/g)) out.push(`subj:punct:${m[0].slice(0, 3)}`);
  for (const m of subject.matchAll(/\b[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b|\b[A-Z][a-z]+\b/g)) out.push(`S:${m[0].slice(0, 20)}`);
  if (/^\s*(re|aw|sv):/i.test(subject)) out.push('subj:reply');
  if (/^\s*(fw|fwd):/i.test(subject)) out.push('subj:forward');
  if (/^\s*\[[^\]]+\]/.test(subject)) out.push('subj:list-tag');
  if (/\s{4,}\S+\s*$/.test(subject)) out.push('subj:padded-tail');
  return out;
}

function priorityTokens(headers: ReadonlyMap<string, string[]>): string[] {
  const out: string[] = [];
  const priority = headers.get('x-priority')?.[0];
  if (priority) out.push(`xpriority:${priority.trim().charAt(0)}`);
  const ms = headers.get('x-msmail-priority')?.[0];
  if (ms) out.push(`msmail-priority:${ms.trim().toLowerCase().slice(0, 10)}`);
  return out;
}
