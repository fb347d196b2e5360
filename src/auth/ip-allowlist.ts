// The IP allowlist: a pure matcher over CIDR ranges, IPv4 and IPv6, built on node:net's
// BlockList. IPv4 clients seen through an IPv6 socket (::ffff:a.b.c.d) match IPv4 ranges.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface IpAllowlist {
  /** True when every address is allowed (no ranges configured). */
  readonly open: boolean;
  allows(address: string | undefined): boolean;
}

export function parseAllowlist(entries: readonly string[]): IpAllowlist {
  const list = new BlockList();
  for (const entry of entries) {
    const [ip = '', prefixText] = entry.trim().split('/');
    const family = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : null;
    if (!family) throw new Error(`"${entry}" is not an IP address or CIDR range`);
    const prefix = prefixText === undefined ? (family === 'ipv4' ? 32 : 128) : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 'ipv4' ? 32 : 128)) {
      throw new Error(`"${entry}" has an invalid prefix length`);
    }
    list.addSubnet(ip, prefix, family);
  }
  const open = entries.length === 0;
  return {
    open,
    allows(address) {
      if (open) return true;
      if (!address) return false;
      const plain = normalise(address);
      if (isIPv4(plain)) return list.check(plain, 'ipv4');
      if (isIPv6(plain)) return list.check(plain, 'ipv6');
      return false;
    },
  };
}

function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address.replace(/%.*$/, '');
}
