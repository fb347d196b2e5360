// Evidence from the envelope and structure rather than the words: sender and Reply-To
// domains, link hosts, mailer, MIME shape, SPF/DKIM/DMARC verdicts, Gmail's SPAM label and
// an upstream X-Spam-Status. Each is only a feature the model weighs, never an override.
import type { SpamInput } from './spam-input.js';

const MAX_URL_HOSTS = 40;
const URL_HOST = /\bhttps?:\/\/([a-z0-9.-]+)/gi;
const AUTH_VERDICT = /\b(spf|dkim|dmarc)\s*=\s*([a-z]+)/gi;
const GMAIL_LABELS = new Set(['SPAM', 'IMPORTANT']);

export type BodyShape = 'both' | 'html-only' | 'text-only' | 'empty';

export function headerFeatures(input: SpamInput, shape: BodyShape): string[] {
  return [
    ...senderFeatures(input),
    ...urlHostFeatures(`${input.text}\n${input.html}`),
    ...mailerFeatures(input.headers),
    ...mimeFeatures(input, shape),
    ...authFeatures(input.headers),
    ...labelFeatures(input.labelIds),
    ...upstreamSpamFeatures(input.headers),
    ...envelopeShapeFeatures(input.headers),
  ];
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0
    ? address
        .slice(at + 1)
        .toLowerCase()
        .replace(/[>\s]+$/, '')
    : '';
}

/** The last two labels: a cheap stand-in for the registrable domain, enough for evidence. */
export function baseDomain(host: string): string {
  return host.split('.').filter(Boolean).slice(-2).join('.');
}

function senderFeatures(input: SpamInput): string[] {
  const fromDomain = domainOf(input.from);
  if (!fromDomain) return ['from:none'];
  const out = [`from:${fromDomain}`, `from:base:${baseDomain(fromDomain)}`, `from:tld:${fromDomain.split('.').pop() ?? ''}`];
  if (/\d{3,}/.test(input.from.slice(0, input.from.indexOf('@')))) out.push('from:digits');
  if (input.replyTo && input.replyTo.toLowerCase() !== input.from.toLowerCase()) {
    const replyDomain = domainOf(input.replyTo);
    out.push(replyDomain === fromDomain ? 'replyto:differs-same-domain' : 'replyto:differs', `replyto:${replyDomain}`);
  }
  return out;
}

export function urlHostFeatures(text: string): string[] {
  const hosts = new Set<string>();
  for (const m of text.matchAll(URL_HOST)) {
    hosts.add((m[1] ?? '').toLowerCase().replace(/\.$/, ''));
    if (hosts.size >= MAX_URL_HOSTS) break;
  }
  const out: string[] = [];
  for (const host of hosts) {
    if (!host) continue;
    if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) out.push('url:ip');
    else out.push(`url:${host}`, `url:base:${baseDomain(host)}`);
  }
  return out;
}

function mailerFeatures(headers: ReadonlyMap<string, string[]>): string[] {
  const mailer = headers.get('x-mailer')?.[0] ?? headers.get('user-agent')?.[0];
  if (!mailer) return ['mailer:none'];
  // Versions and build numbers vary per sender; the product name is the evidence.
  const name = mailer
    .toLowerCase()
    .replace(/[^a-z ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 40);
  return [`mailer:${name || 'unnamed'}`];
}

function mimeFeatures(input: SpamInput, shape: BodyShape): string[] {
  const contentType = input.headers.get('content-type')?.[0]?.toLowerCase() ?? 'text/plain';
  const out = [`mime:${contentType.split(';')[0]?.trim() ?? ''}`];
  const charset = /charset\s*=\s*"?([\w.:-]+)/.exec(contentType)?.[1];
  if (charset) out.push(`charset:${charset}`);
  out.push(`body:${shape}`);
  for (const type of new Set(input.attachmentTypes)) out.push(`attach:${type}`);
  if (input.attachmentTypes.length > 0) out.push(`attach:count:${Math.min(input.attachmentTypes.length, 3)}`);
  return out;
}

function authFeatures(headers: ReadonlyMap<string, string[]>): string[] {
  const out = new Set<string>();
  for (const value of headers.get('authentication-results') ?? []) {
    for (const m of value.matchAll(AUTH_VERDICT)) out.add(`auth:${(m[1] ?? '').toLowerCase()}=${(m[2] ?? '').toLowerCase()}`);
  }
  const receivedSpf = headers.get('received-spf')?.[0];
  if (receivedSpf) out.add(`auth:spf=${receivedSpf.split(/\s/)[0]?.toLowerCase() ?? ''}`);
  return [...out];
}

function labelFeatures(labelIds: readonly string[]): string[] {
  return labelIds.filter((l) => GMAIL_LABELS.has(l) || l.startsWith('CATEGORY_')).map((l) => `label:${l.toLowerCase()}`);
}

function upstreamSpamFeatures(headers: ReadonlyMap<string, string[]>): string[] {
  const status = headers.get('x-spam-status')?.[0];
  const flag = headers.get('x-spam-flag')?.[0];
  const out: string[] = [];
  if (status) out.push(`xspam:${/^\s*yes/i.test(status) ? 'yes' : 'no'}`);
  if (flag) out.push(`xspamflag:${/^\s*yes/i.test(flag) ? 'yes' : 'no'}`);
  return out;
}

/** How the message was addressed and built: bulk senders and spamware leave a shape. */
function envelopeShapeFeatures(headers: ReadonlyMap<string, string[]>): string[] {
  const out: string[] = [];
  const to = headers.get('to')?.join(',') ?? '';
  const recipients = to ? to.split(',').filter((r) => r.includes('@')).length : 0;
  out.push(`to:count:${Math.min(recipients, 5)}`);
  if (/undisclosed|recipient list suppressed/i.test(to)) out.push('to:undisclosed');
  const messageId = headers.get('message-id')?.[0];
  out.push(messageId ? `msgid:${messageIdShape(messageId)}` : 'msgid:none');
  const cte = headers.get('content-transfer-encoding')?.[0]?.toLowerCase().trim();
  if (cte) out.push(`cte:${cte}`);
  if (!headers.has('date')) out.push('date:none');
  return out;
}

function messageIdShape(messageId: string): string {
  const domain = domainOf(messageId.replace(/>.*$/, ''));
  if (!domain) return 'no-domain';
  return domain.includes('.') ? `tld:${domain.split('.').pop() ?? ''}` : 'bare-host';
}
