// Sends one signed POST to a webhook receiver: keep-alive sockets, one deadline for the whole
// exchange, and a DNS lookup that refuses the connection when any address the host resolves
// to is outside the URL policy (checked at connect time, so DNS rebinding cannot slip past).
import http from 'node:http';
import https from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { addressRefusal, checkWebhookUrl, type UrlPolicy } from './url-guard.js';
import type { AttemptResult } from './retry-rules.js';

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const MAX_CHECKED_URLS = 1_000;

export class WebhookSender {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 32 });
  private readonly lookup: LookupFunction;
  /** The policy check of each URL, made once (it is pure): parsing a URL cost more than signing. */
  private readonly checked = new Map<string, ReturnType<typeof checkWebhookUrl>>();

  constructor(
    private readonly policy: UrlPolicy,
    private readonly timeoutMs: number,
  ) {
    this.lookup = guardedLookup(policy);
  }

  send(req: OutgoingRequest): Promise<AttemptResult> {
    const checked = this.check(req.url);
    if (!checked.ok) return Promise.resolve({ error: `refused: ${checked.reason}` });
    const { url } = checked.target;
    const secure = url.protocol === 'https:';
    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      const finish = (r: AttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const request = (secure ? https : http).request(url, {
        method: 'POST',
        agent: secure ? this.httpsAgent : this.httpAgent,
        lookup: this.lookup,
        headers: { ...req.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(req.body)) },
      });
      const timer = setTimeout(() => {
        finish({ error: `no answer within ${this.timeoutMs} ms (webhooks.requestTimeoutMs)` });
        request.destroy();
      }, this.timeoutMs);
      request.on('response', (res) => {
        res.resume(); // the body is not ours to read; draining keeps the socket reusable
        res.on('end', () => finish({ status: res.statusCode ?? 0 }));
        res.on('error', (err) => finish({ error: `response failed: ${err.message}` }));
      });
      request.on('error', (err: NodeJS.ErrnoException) => finish({ error: err.code ? `${err.code}: ${err.message}` : err.message }));
      request.end(req.body);
    });
  }

  private check(raw: string): ReturnType<typeof checkWebhookUrl> {
    let checked = this.checked.get(raw);
    if (!checked) {
      // Endpoints are few; a bound keeps URLs of removed endpoints from piling up.
      if (this.checked.size >= MAX_CHECKED_URLS) this.checked.clear();
      checked = checkWebhookUrl(raw, this.policy);
      this.checked.set(raw, checked);
    }
    return checked;
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** dns.lookup, then every answer checked; the connection uses only checked addresses. */
export function guardedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refusals = addresses.map((a) => addressRefusal(a.address, policy)).filter((r): r is string => r !== null);
      if (addresses.length === 0 || refusals.length > 0) {
        const e = Object.assign(new Error(`refused ${hostname}: ${refusals[0] ?? 'no address'}`), { code: 'INTAKE_WEBHOOK_REFUSED' });
        return callback(e, '', 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/** The same check for an endpoint being added: every address its host resolves to now. */
export async function checkResolvedHost(host: string, policy: UrlPolicy): Promise<string | null> {
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, list) => (err ? reject(err) : resolve(list))),
  ).catch((err: NodeJS.ErrnoException) => err);
  if (addresses instanceof Error) return `${host} does not resolve (${addresses.code ?? addresses.message})`;
  for (const a of addresses) {
    const refusal = addressRefusal(a.address, policy);
    if (refusal) return `${host} resolves to ${refusal}`;
  }
  return null;
}
