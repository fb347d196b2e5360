// The README's first command as a newcomer runs it: `intake demo` prints how to sign in, and a
// real browser signs in with exactly what it printed and finds the demo's mailbox, tickets and
// quarantine. The demo runs as a process with its console captured (not logged: it prints the
// demo admin's password by design).
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from '../helpers/free-port.js';
import { spawnIntake, type DaemonProcess } from '../helpers/daemon-process.js';
import { waitFor } from '../helpers/test-daemon.js';

const CHROMIUM = '/usr/bin/chromium';
const DEMO_MESSAGES = 25;
const DEMO_SPAM = 3;

interface PrintedSignIn {
  adminUrl: string;
  username: string;
  password: string;
}

function printedSignIn(console: string): PrintedSignIn {
  const field = (name: string): string => {
    const m = new RegExp(`^\\s+${name}\\s+(\\S+)`, 'm').exec(console);
    if (!m?.[1]) throw new Error(`the demo did not print its ${name}:\n${console}`);
    return m[1];
  };
  const adminUrl = /^Admin page\s+(\S+)/m.exec(console)?.[1];
  if (!adminUrl) throw new Error(`the demo did not print the admin page's address:\n${console}`);
  return { adminUrl, username: field('username'), password: field('password') };
}

/** The newest code the demo printed: it prints a new one at every 30-second step. */
function latestTotpCode(console: string): string {
  const codes = [...console.matchAll(/TOTP code now: (\d{6})/g)].map((m) => m[1]!);
  const code = codes.at(-1);
  if (!code) throw new Error(`the demo printed no TOTP code:\n${console}`);
  return code;
}

const count = (console: string, pattern: RegExp): number => console.split('\n').filter((l) => pattern.test(l)).length;

describe('npm run demo, walked through in a browser', () => {
  let demo: DaemonProcess | undefined;
  let browser: Browser | undefined;

  afterEach(async () => {
    await browser?.close();
    if (demo && demo.child.exitCode === null) {
      demo.child.kill('SIGKILL');
      await demo.exited;
    }
  });

  it('demo: prints an admin sign-in that a browser uses to see the mailbox, its tickets and the quarantine', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium`);
    const [googlePort, httpPort] = [await freePort(), await freePort()];
    const proc = spawnIntake(
      ['demo'],
      { INTAKE_DEMO_GOOGLE_PORT: String(googlePort), INTAKE_HTTP_PORT: String(httpPort) },
      { consoleOnly: true },
    );
    demo = proc;
    const out = (): string => proc.stdout();
    // Every message of the demo mailbox has landed: one line per ticket or reply, one per held spam.
    await waitFor(
      () => out(),
      (text) => count(text, /^\s+(ticket #|↳ reply on #)/) >= DEMO_MESSAGES && count(text, /spam held in quarantine/) >= DEMO_SPAM,
      240_000,
    );
    const tickets = count(out(), /^\s+ticket #/);
    expect(count(out(), /^\s+(ticket #|↳ reply on #)/)).toBe(DEMO_MESSAGES);
    expect(count(out(), /spam held in quarantine/)).toBe(DEMO_SPAM);
    const signIn = printedSignIn(out());
    expect(signIn.adminUrl).toBe(`http://127.0.0.1:${httpPort}/admin`);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    const page = await (await browser.newContext()).newPage();
    await page.goto(signIn.adminUrl);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('#username', signIn.username);
    await page.fill('#password', signIn.password);
    await page.fill('#code', latestTotpCode(out()));
    await page.click('#sign-in');
    await page.waitForURL(signIn.adminUrl);
    expect(await page.textContent('.mailbox h2')).toBe('support@demo.example');

    await page.click('header >> text=Tickets');
    expect(await page.locator('.ticket').count()).toBe(tickets);
    await page.click('.ticket h2 a >> nth=0');
    expect(await page.locator('.message').count()).toBeGreaterThan(0);

    await page.click('header >> text=Quarantine');
    expect(await page.locator('.held').count()).toBe(DEMO_SPAM);

    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
  }, 300_000);
});
