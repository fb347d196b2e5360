// The machine-mail guard: recognises mail that no person wrote (auto-replies, bounces, abuse
// reports, list traffic, system senders, the mailbox's own mail) so it never opens a ticket
// that an auto-responder would answer again. Pure: it reads a ParsedMessage and the options.
import type { ParsedMessage } from '../parse/parsed-message.js';
import type { GuardOptions } from '../mail-options.js';
import { stripReplyPrefixes } from '../threading/subject-key.js';

export type GuardClass =
  | 'bounce'
  | 'complaint'
  | 'system_sender'
  | 'own_address'
  | 'auto_submitted'
  | 'auto_reply_header'
  | 'auto_response_suppress'
  | 'precedence'
  | 'out_of_office'
  | 'mailing_list'
  | 'rate_limit';

export interface GuardFinding {
  class: GuardClass;
  /** In an operator's words; never message content beyond a header's keyword. */
  reason: string;
  /** For a bounce: the Message-IDs of the mail it reports on, best first. */
  originalMessageIds?: string[];
}

type GuardInput = Pick<ParsedMessage, 'headers' | 'from' | 'subject' | 'attachments' | 'inReplyTo' | 'references'>;
type Check = (m: GuardInput, mailboxAddress: string) => GuardFinding | null;

/**
 * Every header the guard reads, and the only ones an analyse worker sends back to the ingest
 * thread (ingest/for-ingest-thread.ts): the accessors below take no other name.
 */
export const GUARD_HEADERS = [
  'content-type',
  'auto-submitted',
  'precedence',
  'x-auto-response-suppress',
  'x-autoreply',
  'x-autorespond',
  'x-autoresponder',
  'list-id',
  'list-unsubscribe',
] as const;
type GuardHeader = (typeof GUARD_HEADERS)[number];

const first = (m: GuardInput, name: GuardHeader): string | undefined => m.headers.get(name)?.[0]?.trim();
const has = (m: GuardInput, name: GuardHeader): boolean => m.headers.has(name);
const OPTION_OF: Record<Exclude<GuardClass, 'rate_limit' | 'bounce'>, keyof GuardOptions> = {
  complaint: 'complaint',
  system_sender: 'systemSender',
  own_address: 'ownAddress',
  auto_submitted: 'autoSubmitted',
  auto_reply_header: 'autoReplyHeader',
  auto_response_suppress: 'autoResponseSuppress',
  precedence: 'precedence',
  out_of_office: 'outOfOffice',
  mailing_list: 'mailingList',
};

function reportType(m: GuardInput): string | null {
  const ct = first(m, 'content-type') ?? '';
  if (!/^multipart\/report\b/i.test(ct)) return null;
  return /report-type\s*=\s*"?([\w-]+)/i.exec(ct)?.[1]?.toLowerCase() ?? '';
}

const bounce: Check = (m) => {
  const type = reportType(m);
  const hasStatus = m.attachments.some((a) => a.contentType === 'message/delivery-status');
  if (type !== 'delivery-status' && !hasStatus) return null;
  return { class: 'bounce', reason: 'delivery status notification (RFC 3464)', originalMessageIds: originalIds(m) };
};

const complaint: Check = (m) => {
  const arf = reportType(m) === 'feedback-report' || m.attachments.some((a) => a.contentType === 'message/feedback-report');
  return arf ? { class: 'complaint', reason: 'abuse/feedback report (ARF, RFC 5965)' } : null;
};

const systemSender: Check = (m) => {
  const local = (m.from?.address ?? '').split('@')[0] ?? '';
  return /^(mailer-daemon|postmaster)$/i.test(local) ? { class: 'system_sender', reason: `sender is ${local.toLowerCase()}@` } : null;
};

const ownAddress: Check = (m, mailbox) =>
  mailbox !== '' && m.from?.address === mailbox.toLowerCase() ? { class: 'own_address', reason: "from the mailbox's own address" } : null;

const autoSubmitted: Check = (m) => {
  const v = (first(m, 'auto-submitted') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return v !== '' && v !== 'no' ? { class: 'auto_submitted', reason: `Auto-Submitted: ${v.slice(0, 40)} (RFC 3834)` } : null;
};

const autoReplyHeader: Check = (m) => {
  const name = (['x-autoreply', 'x-autorespond', 'x-autoresponder'] as const).find((h) => has(m, h));
  return name ? { class: 'auto_reply_header', reason: `${name} header present` } : null;
};

const autoResponseSuppress: Check = (m) => {
  const v = first(m, 'x-auto-response-suppress');
  return v && /\b(all|oof|autoreply)\b/i.test(v) ? { class: 'auto_response_suppress', reason: 'X-Auto-Response-Suppress set' } : null;
};

/** junk and auto_reply say "a machine answered"; bulk and list are list traffic (see mailingList). */
const precedence: Check = (m) => {
  const v = (first(m, 'precedence') ?? '').toLowerCase();
  return /^(junk|auto_reply)$/.test(v) ? { class: 'precedence', reason: `Precedence: ${v}` } : null;
};

/** English, German, French and Spanish out-of-office subjects, at the start (after Re:/AW: ...). */
const OOO_SUBJECT = new RegExp(
  '^(' +
    [
      'out of (the )?office',
      'automatic reply',
      'auto(matic)?[- ]?(reply|response|responder)',
      'away from (the )?office',
      'on vacation',
      'abwesenheits(notiz|nachricht|meldung)',
      'automatische antwort',
      'nicht im büro',
      'außer haus',
      'ausser haus',
      'abwesend',
      'absence du bureau',
      'absent(e)? du bureau',
      'réponse automatique',
      'reponse automatique',
      "message d['’]absence",
      'fuera de (la )?oficina',
      'respuesta automática',
      'respuesta automatica',
      'ausente',
    ].join('|') +
    ')\\b',
  'iu',
);

const outOfOffice: Check = (m) =>
  OOO_SUBJECT.test(stripReplyPrefixes(m.subject.trim())) ? { class: 'out_of_office', reason: 'out-of-office subject' } : null;

const LIST_HEADERS = { 'list-id': 'List-Id', 'list-unsubscribe': 'List-Unsubscribe' } as const satisfies Partial<
  Record<GuardHeader, string>
>;

const mailingList: Check = (m) => {
  const name = (Object.keys(LIST_HEADERS) as (keyof typeof LIST_HEADERS)[]).find((h) => has(m, h));
  if (name) return { class: 'mailing_list', reason: `${LIST_HEADERS[name]} header present` };
  const v = (first(m, 'precedence') ?? '').toLowerCase();
  return /^(bulk|list)$/.test(v) ? { class: 'mailing_list', reason: `Precedence: ${v}` } : null;
};

/** Most specific first: a DSN also carries Auto-Submitted and comes from mailer-daemon. */
const CHECKS: Check[] = [
  bounce,
  complaint,
  systemSender,
  ownAddress,
  autoSubmitted,
  autoReplyHeader,
  autoResponseSuppress,
  precedence,
  outOfOffice,
  mailingList,
];

/** The first class that applies and is not set to `allow`; null for mail a person wrote. */
export function classifyMachineMail(m: GuardInput, mailboxAddress: string, options: GuardOptions): GuardFinding | null {
  for (const check of CHECKS) {
    const finding = check(m, mailboxAddress);
    if (!finding) continue;
    const action = finding.class === 'bounce' ? options.bounce : options[OPTION_OF[finding.class as keyof typeof OPTION_OF]];
    if (action !== 'allow') return finding;
  }
  return null;
}

/** The loop breaker: this sender already opened `opened` tickets within the window. */
export function rateLimitFinding(opened: number, options: GuardOptions): GuardFinding | null {
  const { maxNewTicketsPerSender: max, windowMinutes } = options.rateLimit;
  if (opened < max) return null;
  return { class: 'rate_limit', reason: `sender opened ${max} tickets within ${windowMinutes} minutes (guard.rateLimit)` };
}

const ID_LINE = /^message-id:[ \t]*<([^>\r\n]+)>/im;

/** The reported message's Message-ID, from the returned headers or message, then the DSN's own reply headers. */
function originalIds(m: GuardInput): string[] {
  const ids: string[] = [];
  for (const a of m.attachments) {
    if (!a.content || !/^(message\/rfc822|text\/rfc822-headers|message\/rfc822-headers|message\/global)/.test(a.contentType)) continue;
    const head = a.content.subarray(0, 64 * 1024).toString('latin1');
    const end = head.search(/\r?\n\r?\n/);
    const id = ID_LINE.exec(end >= 0 ? head.slice(0, end) : head)?.[1]?.trim();
    if (id) ids.push(id);
  }
  if (m.inReplyTo) ids.push(m.inReplyTo);
  ids.push(...[...m.references].reverse());
  return [...new Set(ids)];
}
