// users.watch / users.stop and the Pub/Sub pushes the fake sends (SPEC.md §3.7): the answer's
// expiration on the fake's clock, topic validation, quota units, one push per second per
// user carrying the newest historyId with a Google-signed OIDC token, the drop switch,
// label filters and expiry.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Client } from 'google-auth-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { waitFor } from '../../helpers/test-daemon.js';
import { connect, failure, GMAIL_READONLY } from './helpers.js';

const USER = 'watched@example.com';
const TOPIC = 'projects/acme/topics/gmail';
const mail = (n: number) => `From: a${n}@example.net\r\nTo: ${USER}\r\nSubject: s${n}\r\n\r\nbody ${n}\r\n`;

interface Received {
  authorization: string | undefined;
  body: { message: { data: string; messageId: string; publishTime: string; attributes: object }; subscription: string };
}

let fake: FakeGoogle;
let receiver: Server;
let received: Received[];
let endpoint: string;

beforeEach(async () => {
  received = [];
  receiver = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'],
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/push/gmail`;
  fake = await startFakeGoogle({ push: [{ topicName: TOPIC, endpoint, audience: 'https://intake.example/push/gmail' }] });
});

afterEach(async () => {
  await fake.close();
  await new Promise((r) => receiver.close(r));
});

const decode = (r: Received) =>
  JSON.parse(Buffer.from(r.body.message.data, 'base64').toString('utf8')) as { emailAddress: string; historyId: string };

describe('users.watch and users.stop', () => {
  it('watch(): answers the mailbox historyId and an expiration 7 days from the fake clock', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const profile = await gmail.users.getProfile({ userId: 'me' });
    const { data } = await gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    expect(data.historyId).toBe(profile.data.historyId);
    const expiration = Number(data.expiration);
    expect(Math.abs(expiration - (fake.now() + 7 * 86_400_000))).toBeLessThan(5_000);
    expect(fake.watchOf(USER)?.topicName).toBe(TOPIC);
  });

  it('watch(): a malformed topicName answers 400 invalidArgument', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const err = await failure(gmail.users.watch({ userId: 'me', requestBody: { topicName: 'gmail-topic' } }, { retry: false }));
    expect(err.status).toBe(400);
  });

  it('stop(): answers 204 and the user is no longer watched', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    await gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    const res = await gmail.users.stop({ userId: 'me' });
    expect(res.status).toBe(204);
    expect(fake.watchOf(USER)).toBeUndefined();
  });

  it('a watch expires at its expiration on the fake clock: no push afterwards', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    await gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    fake.advanceClock(7 * 86_400_000 + 1);
    expect(fake.watchOf(USER)).toBeUndefined();
    fake.deliver(USER, mail(1));
    const { gmail: again } = await connect(fake, USER, [GMAIL_READONLY]);
    await again.users.getProfile({ userId: 'me' }); // a round trip after the delivery
    expect(fake.pushes()).toEqual([]);
  });
});

describe('push notifications', () => {
  it('delivering to a watched user POSTs the Pub/Sub body with a Google-signed OIDC token for the audience', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    await gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    const delivered = fake.deliver(USER, mail(1));
    await waitFor(
      () => received.length,
      (n) => n === 1,
    );
    const push = received[0] as Received;
    expect(decode(push)).toEqual({ emailAddress: USER, historyId: delivered.historyId });
    expect(push.body.subscription).toMatch(/^projects\/[^/]+\/subscriptions\/[^/]+$/);
    expect(push.body.message.attributes).toEqual({});
    expect(Number.isNaN(Date.parse(push.body.message.publishTime))).toBe(false);
    const token = /^Bearer (.+)$/.exec(push.authorization ?? '')?.[1] ?? '';
    const verifier = new OAuth2Client({ endpoints: { oauth2FederatedSignonPemCertsUrl: fake.endpoints.oauth2FederatedSignonPemCertsUrl } });
    const ticket = await verifier.verifyIdToken({ idToken: token, audience: 'https://intake.example/push/gmail' });
    expect(ticket.getPayload()).toMatchObject({ iss: 'https://accounts.google.com', email_verified: true });
    expect(ticket.getPayload()?.email).toMatch(/@/);
    expect(fake.issuedSecrets()).toContain(token);
  });

  it('a burst of changes yields at most one push per second per user, the last carrying the newest historyId', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    await gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    let last = '';
    for (let i = 0; i < 20; i++) last = fake.deliver(USER, mail(i)).historyId;
    await waitFor(
      () => received.map(decode).at(-1)?.historyId,
      (h) => h === last,
    );
    expect(received.length).toBeLessThanOrEqual(2);
    const at = fake.pushes().map((p) => p.at);
    for (let i = 1; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it('setPushDropped(true): changes are not pushed; false: they are again', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    await gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    fake.setPushDropped(true);
    fake.deliver(USER, mail(1));
    fake.setPushDropped(false);
    const second = fake.deliver(USER, mail(2));
    await waitFor(
      () => received.length,
      (n) => n >= 1,
    );
    expect(received.map(decode).map((d) => d.historyId)).toEqual([second.historyId]);
  });

  it('labelIds with include: only changes touching those labels are pushed', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    await gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC, labelIds: ['INBOX'], labelFilterBehavior: 'include' } });
    fake.deliver(USER, mail(1), { labelIds: ['SPAM'] });
    const inbox = fake.deliver(USER, mail(2));
    await waitFor(
      () => received.length,
      (n) => n >= 1,
    );
    expect(received.map(decode).map((d) => d.historyId)).toEqual([inbox.historyId]);
  });

  it('POST /_fake/push configures a subscription and /_fake/push-drop the drop switch', async () => {
    const other = 'projects/acme/topics/other';
    const res = await fetch(`${fake.url}/_fake/push`, { method: 'POST', body: JSON.stringify({ topicName: other, endpoint }) });
    expect(res.status).toBe(200);
    const drop = await fetch(`${fake.url}/_fake/push-drop?drop=true`, { method: 'POST' });
    expect(await drop.json()).toEqual({ dropping: true });
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    await gmail.users.watch({ userId: 'me', requestBody: { topicName: other } });
    fake.deliver(USER, mail(1));
    await fetch(`${fake.url}/_fake/push-drop?drop=false`, { method: 'POST' });
    fake.deliver(USER, mail(2));
    await waitFor(
      () => received.length,
      (n) => n >= 1,
    );
    expect(received).toHaveLength(1);
  });
});
