// http.trustProxy, in every form fastify (proxy-addr) takes: false, true, a hop count, or
// the proxies' addresses / CIDR ranges (also proxy-addr's names loopback, linklocal,
// uniquelocal). From the environment a number or a comma-separated list is read as such.
import { z } from 'zod';

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const proxyEntry = z
  .string()
  .trim()
  .refine((s) => PROXY_NAMES.includes(s) || /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(s), {
    message: 'expected a proxy address or CIDR such as 10.0.0.1 or 10.0.0.0/8 (or loopback, linklocal, uniquelocal)',
  });

function fromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export const trustProxySchema = z.preprocess(
  fromText,
  z.union([z.boolean(), z.number().int().min(0).max(100), z.array(proxyEntry).min(1)], {
    message: 'expected true, false, a hop count, or a list of proxy addresses / CIDR ranges',
  }),
);

export type TrustProxy = z.infer<typeof trustProxySchema>;
