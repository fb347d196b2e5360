// A real HTTP webhook receiver on 127.0.0.1 for tests: it verifies each signature with the
// README's Node snippet (extracted from README.md, not copied), dedupes on the event id as a
// receiver should, and can be switched down: refusing connections, answering 500, or hanging.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

export type ReceiverMode = 'ok' | 'refuse' | 'error500' | 'hang' | 'gone';

export interface ReceivedEvent {
  id: string;
  type: string;
  sequence: number | null;
  traceId: string | null;
  data: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  receivedAt: number;
}

type Verify = (secret: string, header: string, rawBody: string, toleranceSeconds?: number) => boolean;

/** The function the README shows receivers, taken from its ```js block after the marker. */
export function readmeNodeVerifier(): Verify {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
  const block = /<!-- webhook-verify-node -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```js block after <!-- webhook-verify-node -->');
  // Run as a module of its own, exactly as a receiver would paste it.
  const file = join(mkdtempSync(join(tmpdir(), 'intake-readme-')), 'verify.cjs');
  writeFileSync(file, `${block}\nmodule.exports = verifyIntakeSignature;\n`);
  return createRequire(import.meta.url)(file) as Verify;
}

export class WebhookReceiver {
  mode: ReceiverMode = 'ok';
  secret = '';
  readonly unique = new Map<string, ReceivedEvent>();
  readonly arrivals: ReceivedEvent[] = [];
  badSignatures = 0;
  /** Answers a good delivery only after this long (a slow receiver keeps deliveries in flight). */
  delayMs = 0;
  requests = 0;
  private server: Server | undefined;
  private port = 0;
  private readonly verify = readmeNodeVerifier();
  private readonly hanging = new Set<import('node:http').ServerResponse>();

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Connection refused: the port is closed until up() listens on it again. */
  async down(): Promise<void> {
    this.mode = 'refuse';
    await this.stopServer();
  }

  async up(mode: ReceiverMode = 'ok'): Promise<void> {
    this.mode = mode;
    if (!this.server) await this.start(this.port);
    if (mode !== 'hang') for (const res of this.hanging) res.destroy();
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    await this.stopServer();
  }

  private async stopServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(headers: Record<string, string | string[] | undefined>, body: string, res: import('node:http').ServerResponse): void {
    this.requests++;
    if (this.mode === 'error500') return void res.writeHead(500).end('down for maintenance');
    if (this.mode === 'gone') return void res.writeHead(410).end();
    if (this.mode === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    const signature = String(headers['intake-signature'] ?? '');
    if (!this.verify(this.secret, signature, body)) {
      this.badSignatures++;
      return void res.writeHead(400).end('bad signature');
    }
    const event = JSON.parse(body) as Omit<ReceivedEvent, 'headers' | 'receivedAt'>;
    const received = { ...event, headers, receivedAt: Date.now() };
    this.arrivals.push(received);
    if (!this.unique.has(event.id)) this.unique.set(event.id, received);
    if (this.delayMs > 0) setTimeout(() => res.writeHead(204).end(), this.delayMs);
    else res.writeHead(204).end();
  }
}
