import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { AdminClient, createTestAdmin, totpCode, TEST_PASSWORD } from '../../helpers/admin-client.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';

const MAILBOX = 'desk@example.com';

describe('the webhooks admin page', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  const receiver = new WebhookReceiver();

  afterEach(async () => {
    await t?.close();
    await fake?.close();
    await receiver.close();
  });

  it('webhooks page: adds an endpoint showing its secret once, refuses a metadata URL, lists a dead letter and retries it', async () => {
    fake = await startTestFake();
    // A delivery gives up after ~1 s of failures here, so a dead letter appears quickly.
    t = await startTestDaemon(fake, { webhooks: { allowInsecureLoopback: true, maxRetryHours: 0.0003 } });
    const daemon = t;
    await receiver.start();
    const admin = await createTestAdmin(daemon.daemon.db, daemon.config);
    const browser = new AdminClient(daemon.daemon.url);
    expect((await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret))).status).toBe(303);

    const empty = await browser.get('/admin/webhooks');
    expect(empty.status).toBe(200);
    expect(empty.html).toContain('id="no-webhooks"');
    const refused = await browser.post('/admin/webhooks', { url: 'http://169.254.169.254/latest/meta-data/' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('id="webhook-error"');
    expect(refused.html).toContain('only https://');

    const added = await browser.post('/admin/webhooks', { url: receiver.url, events: 'ticket.created' });
    expect(added.status).toBe(200);
    receiver.secret = /id="new-secret"[\s\S]*?<code>(whsec_[\w-]+)<\/code>/.exec(added.html)?.[1] as string;
    expect(receiver.secret).toMatch(/^whsec_/);
    expect((await browser.get('/admin/webhooks')).html).not.toContain(receiver.secret);

    await receiver.up('error500');
    fake.deliver(MAILBOX, 'From: a@example.com\r\nTo: desk@example.com\r\nSubject: Help\r\n\r\nPlease.\r\n');
    expect(await daemon.connect(MAILBOX)).toBe(200);
    const page = await waitFor(
      () => browser.get('/admin/webhooks'),
      (p) => p.html.includes('data-delivery-id='),
    );
    expect(page.html).toContain('receiver answered HTTP 500');
    const deliveryId = /data-delivery-id="(\d+)"/.exec(page.html)?.[1] as string;

    await receiver.up('ok');
    const retried = await browser.post(`/admin/deliveries/${deliveryId}/retry`, {});
    expect(retried).toMatchObject({ status: 303, location: '/admin/webhooks?done=retried' });
    expect(
      await waitFor(
        () => receiver.unique.size,
        (n) => n === 1,
      ),
    ).toBe(1);
    expect(receiver.badSignatures).toBe(0);
    expect((await browser.get('/admin/webhooks')).html).not.toContain('data-delivery-id=');
  });
});
