// The subset of Gmail search syntax (`q`) the fake understands (SPEC.md checklist H):
// in:, label:, is:, after:/before:, newer_than:/older_than:, from:/to:/subject:,
// rfc822msgid:, bare words, and `-` negation. Anything else is a 400, so our
// code cannot silently depend on search the fake does not model.
import { headerValue } from './mime-headers.js';
import type { Label } from './labels.js';
import type { StoredMessage } from './mailbox-state.js';

export type Predicate = (m: StoredMessage) => boolean;

export interface ParsedQuery {
  test: Predicate;
  mentionsSpamTrash: boolean;
}

const hasLabel =
  (id: string): Predicate =>
  (m) =>
    m.labelIds.includes(id);
const UNITS_MS: Record<string, number> = { d: 86_400_000, m: 30 * 86_400_000, y: 365 * 86_400_000 };

function parseDate(value: string): number | undefined {
  if (/^\d{9,}$/.test(value)) return Number(value) * 1000;
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
}

function labelId(labels: ReadonlyMap<string, Label>, name: string): string {
  const wanted = name.toLowerCase();
  for (const l of labels.values()) {
    if (l.id.toLowerCase() === wanted || l.name.toLowerCase().replace(/\s+/g, '-') === wanted) return l.id;
  }
  return `\u0000missing:${name}`; // matches nothing, as Gmail does for an unknown label
}

function headerContains(name: string, needle: string): Predicate {
  const n = needle.toLowerCase();
  return (m) => (headerValue(m.headers, name) ?? '').toLowerCase().includes(n);
}

function term(op: string, value: string, labels: ReadonlyMap<string, Label>): Predicate | undefined {
  switch (op) {
    case 'in':
      return value === 'anywhere' ? () => true : hasLabel(labelId(labels, value));
    case 'label':
      return hasLabel(labelId(labels, value));
    case 'is':
      if (value === 'read') return (m) => !m.labelIds.includes('UNREAD');
      return hasLabel(labelId(labels, value));
    case 'after': {
      const t = parseDate(value);
      return t === undefined ? undefined : (m) => m.internalDate >= t;
    }
    case 'before': {
      const t = parseDate(value);
      return t === undefined ? undefined : (m) => m.internalDate < t;
    }
    case 'newer_than':
    case 'older_than': {
      const m = /^(\d+)([dmy])$/.exec(value);
      if (!m) return undefined;
      const limit = Date.now() - Number(m[1]) * (UNITS_MS[m[2] ?? 'd'] ?? 0);
      return op === 'newer_than' ? (x) => x.internalDate >= limit : (x) => x.internalDate < limit;
    }
    case 'from':
    case 'to':
    case 'subject':
      return headerContains(op, value);
    case 'rfc822msgid': {
      const id = value.replace(/^<|>$/g, '').toLowerCase();
      return (m) => (headerValue(m.headers, 'message-id') ?? '').toLowerCase().replace(/^<|>$/g, '') === id;
    }
    default:
      return undefined;
  }
}

/**
 * Returns a predicate, or an error message for an unsupported query. `{a b}` matches
 * either term (Gmail's OR group); terms outside groups must all match.
 */
export function parseQuery(q: string, labels: ReadonlyMap<string, Label>): ParsedQuery | string {
  const tests: Predicate[] = [];
  let mentionsSpamTrash = false;
  const rest = q.replace(/\{([^{}]*)\}/g, (_, inner: string) => {
    const group = parseTerms(inner, labels);
    if (typeof group === 'string') return `\u0000${group}`;
    tests.push((x) => group.tests.some((t) => t(x)));
    mentionsSpamTrash ||= group.mentionsSpamTrash;
    return ' ';
  });
  if (rest.includes('\u0000')) return rest.slice(rest.indexOf('\u0000') + 1);
  if (/[{}]/.test(rest)) return 'Invalid query: unbalanced { }';
  const terms = parseTerms(rest, labels);
  if (typeof terms === 'string') return terms;
  tests.push(...terms.tests);
  return { test: (x) => tests.every((t) => t(x)), mentionsSpamTrash: mentionsSpamTrash || terms.mentionsSpamTrash };
}

function parseTerms(q: string, labels: ReadonlyMap<string, Label>): { tests: Predicate[]; mentionsSpamTrash: boolean } | string {
  const tests: Predicate[] = [];
  let mentionsSpamTrash = false;
  for (const raw of q.match(/-?(?:[a-z0-9_]+:)?(?:"[^"]*"|\S+)/gi) ?? []) {
    const negate = raw.startsWith('-');
    const text = negate ? raw.slice(1) : raw;
    const m = /^([a-z0-9_]+):(.+)$/i.exec(text);
    const value = (m?.[2] ?? text).replace(/^"|"$/g, '');
    let test: Predicate | undefined;
    if (m?.[1]) {
      const op = m[1].toLowerCase();
      test = term(op, op === 'label' || op === 'in' || op === 'is' ? value.toLowerCase() : value, labels);
      if (!test) return `Invalid query: unsupported term ${text}`;
      if ((op === 'in' || op === 'label') && /^(spam|trash|anywhere)$/i.test(value)) mentionsSpamTrash = true;
    } else {
      const word = value.toLowerCase();
      test = (x) => `${headerValue(x.headers, 'subject') ?? ''} ${x.snippet}`.toLowerCase().includes(word);
    }
    tests.push(negate ? (x) => !test(x) : test);
  }
  return { tests, mentionsSpamTrash };
}
