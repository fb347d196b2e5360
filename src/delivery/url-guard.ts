// Which webhook targets Intake will call (SSRF guard). Pure: a URL and the addresses its host
// resolved to in, a refusal in words out. Checked when an endpoint is added and again for
// every resolved address at delivery time, so a DNS answer that changed cannot reach inside.
import { BlockList, isIP } from 'node:net';

export interface UrlPolicy {
  /** http:// and https:// to 127.0.0.0/8, ::1 and localhost: for tests and the demo. */
  allowInsecureLoopback: boolean;
  /** 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), fc00::/7. */
  allowPrivateNetworks: boolean;
  /** 169.254/16 and fe80::/10, where cloud metadata services (169.254.169.254) live. */
  allowLinkLocal: boolean;
}

type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved';

function list(entries: [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const b = new BlockList();
  for (const [net, prefix, family] of entries) b.addSubnet(net, prefix, family);
  return b;
}

const LOOPBACK = list([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
]);
const LINK_LOCAL = list([
  ['169.254.0.0', 16, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
  ['fd00:ec2::', 32, 'ipv6'],
]);
const PRIVATE = list([
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['fc00::', 7, 'ipv6'],
]);
/** Never a webhook receiver: "this host", multicast, broadcast, documentation and benchmark ranges. */
const RESERVED = list([
  ['0.0.0.0', 8, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
]);

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged as the IPv4 address it carries. */
function normalise(address: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return { address: mapped[1], family: 'ipv4' };
  const v = isIP(bare);
  if (v === 4) return { address: bare, family: 'ipv4' };
  if (v === 6) return { address: bare, family: 'ipv6' };
  return null;
}

export function classifyAddress(address: string): AddressClass {
  const n = normalise(address);
  if (!n) return 'reserved';
  if (LOOPBACK.check(n.address, n.family)) return 'loopback';
  if (LINK_LOCAL.check(n.address, n.family)) return 'link-local';
  if (PRIVATE.check(n.address, n.family)) return 'private';
  if (RESERVED.check(n.address, n.family)) return 'reserved';
  return 'public';
}

/** Why the address may not be called, or null when it may. */
export function addressRefusal(address: string, policy: UrlPolicy): string | null {
  const kind = classifyAddress(address);
  switch (kind) {
    case 'public':
      return null;
    case 'loopback':
      return policy.allowInsecureLoopback ? null : `${address} is a loopback address; set webhooks.allowInsecureLoopback to allow it`;
    case 'private':
      return policy.allowPrivateNetworks ? null : `${address} is in a private range; set webhooks.allowPrivateNetworks to allow it`;
    case 'link-local':
      return policy.allowLinkLocal
        ? null
        : `${address} is link-local (where cloud metadata services such as 169.254.169.254 answer); set webhooks.allowLinkLocal to allow it`;
    case 'reserved':
      return `${address} is a reserved address that cannot be a webhook receiver`;
  }
}

export interface ParsedTarget {
  url: URL;
  /** The host without IPv6 brackets. */
  host: string;
  /** True when the host is an IP literal (no DNS answer to check). */
  literal: boolean;
}

/** Checks the URL's form and, for an IP literal or localhost, its address. Throws nothing: returns a refusal. */
export function checkWebhookUrl(raw: string, policy: UrlPolicy): { ok: true; target: ParsedTarget } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: `"${raw}" is not an absolute URL; give one such as https://helpdesk.example.com/hooks/intake` };
  }
  if (url.username || url.password)
    return { ok: false, reason: 'the URL carries credentials; put the secret in the receiver, not the URL' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host) !== 0;
  const loopbackName = host === 'localhost' || host.endsWith('.localhost');
  const loopback = loopbackName || (literal && classifyAddress(host) === 'loopback');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback && policy.allowInsecureLoopback)) {
    return {
      ok: false,
      reason:
        url.protocol === 'http:'
          ? `only https:// webhook URLs are accepted (http:// only for loopback with webhooks.allowInsecureLoopback): ${url.origin}`
          : `unsupported scheme ${url.protocol}; use https://`,
    };
  }
  if (loopbackName && !policy.allowInsecureLoopback) {
    return { ok: false, reason: `${host} is loopback; set webhooks.allowInsecureLoopback to allow it` };
  }
  if (literal) {
    const refusal = addressRefusal(host, policy);
    if (refusal) return { ok: false, reason: refusal };
  }
  return { ok: true, target: { url, host, literal } };
}
