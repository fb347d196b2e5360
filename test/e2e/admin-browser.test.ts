import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FakeGoogle } from '../../src/dev/fake-google/index.js';
import { startTestFake } from '../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../helpers/test-daemon.js';
import { createTestAdmin, totpCode, TEST_PASSWORD } from '../helpers/admin-client.js';
import { ARTIFACTS } from '../helpers/test-log.js';
import { simpleMail } from '../helpers/simple-mail.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ARTIFACTS, 'screenshots');
const MAILBOX = 'frontdesk@example.com';
const MESSAGES = 3;

async function launch(): Promise<Browser> {
  // Never skipped: without Chromium (always so under CI=true) this test fails, saying why.
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (CI=${process.env.CI ?? 'unset'})`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `admin-${name}.png`), fullPage: true });
}

describe('admin page in Chromium', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  let browser: Browser | undefined;

  afterEach(async () => {
    await browser?.close();
    await t?.close();
    await fake?.close();
  });

  it('admin page: an admin signs in with password and TOTP, connects Gmail on the consent screen, sees tickets arrive, and disconnects deleting them', async () => {
    fake = await startTestFake();
    for (let i = 1; i <= MESSAGES; i++) fake.deliver(MAILBOX, simpleMail(i, MAILBOX));
    t = await startTestDaemon(fake);
    const admin = await createTestAdmin(t.daemon.db, t.config);
    browser = await launch();
    // A phone-sized viewport: the page must work there.
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();

    await page.goto(`${t.daemon.url}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('#username', 'admin');
    await page.fill('#password', TEST_PASSWORD);
    await page.fill('#code', await totpCode(admin.totpSecret));
    await shot(page, '01-sign-in');
    await page.click('#sign-in');
    await page.waitForURL(`${t.daemon.url}/admin`);
    expect(await page.isVisible('#no-mailboxes')).toBe(true);
    await shot(page, '02-no-mailboxes');

    await page.fill('#login-hint', MAILBOX);
    await page.click('#connect-gmail');
    await page.waitForSelector('#allow');
    expect(page.url().startsWith(fake.url)).toBe(true);
    expect(await page.inputValue('#email')).toBe(MAILBOX);
    await shot(page, '03-google-consent');
    await page.click('#allow');
    await page.waitForURL(/\/oauth\/callback/);
    expect(await page.textContent('h1')).toContain('Mailbox connected');
    await shot(page, '04-connected');

    await page.click('text=Back to mailboxes');
    const today = await waitFor(
      async () => {
        await page.reload();
        return (await page.textContent('.tickets-today'))?.trim();
      },
      (text) => text === String(MESSAGES),
    );
    expect(today).toBe(String(MESSAGES));
    expect(await page.textContent('.mailbox .state')).toBe('Syncing');
    expect(await page.textContent('.mailbox h2')).toBe(MAILBOX);
    await shot(page, '05-syncing-with-tickets');

    await page.click('header >> text=Tickets');
    expect(await page.locator('.ticket').count()).toBe(MESSAGES);
    await shot(page, '05b-tickets');
    await page.click('.ticket h2 a >> nth=0');
    expect(await page.textContent('.message pre.body')).toContain('Could you help me with my order?');
    await shot(page, '05c-ticket');
    await page.click('header >> text=Quarantine');
    expect(await page.isVisible('#quarantine-empty')).toBe(true);
    await shot(page, '05d-quarantine-empty');
    await page.click('header >> text=Mailboxes');

    await page.check('.delete-tickets');
    await page.click('.disconnect');
    await page.waitForURL(/notice=deleted/);
    expect(await page.isVisible('#no-mailboxes')).toBe(true);
    expect(await page.textContent('#notice')).toContain('deleted');
    await shot(page, '06-disconnected');
    expect(t.daemon.db.prepare('SELECT COUNT(*) AS n FROM tickets').get()).toEqual({ n: 0 });
    for (const token of fake.issuedSecrets().filter((s) => s.startsWith('1//'))) expect(fake.isRefreshTokenActive(token)).toBe(false);
  });
});
