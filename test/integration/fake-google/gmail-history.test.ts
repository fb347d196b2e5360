// history.list paging, filters and expiry (SPEC.md §3.4), with mail from the corpora.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { connect, cpythonMessage, failure, GMAIL_MODIFY, GMAIL_READONLY, spamAssassin } from './helpers.js';

let fake: FakeGoogle;
beforeEach(async () => {
  fake = await startFakeGoogle();
});
afterEach(async () => {
  await fake.close();
});

const USER = 'helpdesk@example.com';

describe('history.list()', () => {
  it('history.list(): from the profile historyId, pages through every messageAdded in order', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const start = (await gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    const delivered = spamAssassin('hard-ham-1', 12).map((raw) => fake.deliver(USER, raw));
    const added: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    let last: string | undefined;
    do {
      const { data } = await gmail.users.history.list({
        userId: 'me',
        startHistoryId: start,
        maxResults: 5,
        pageToken,
        historyTypes: ['messageAdded'],
      });
      for (const h of data.history ?? []) added.push(...(h.messagesAdded ?? []).map((a) => a.message?.id ?? ''));
      pageToken = data.nextPageToken ?? undefined;
      last = data.historyId ?? undefined;
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(added).toEqual(delivered.map((d) => d.id));
    expect(last).toBe(delivered[delivered.length - 1]?.historyId);
  });

  it('history.list(): when nothing changed since the start id, returns only the historyId', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const d = fake.deliver(USER, cpythonMessage(5));
    const { data } = await gmail.users.history.list({ userId: 'me', startHistoryId: d.historyId });
    expect(data).toEqual({ historyId: d.historyId });
  });

  it('history.list(): when the start id has expired, answers 404 notFound', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const d = fake.deliver(USER, cpythonMessage(6));
    fake.deliver(USER, cpythonMessage(8));
    fake.expireHistory(USER);
    const err = await failure(gmail.users.history.list({ userId: 'me', startHistoryId: d.historyId }));
    expect(err.status).toBe(404);
    expect((err.response?.data as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason).toBe('notFound');
    const current = (await gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    expect((await gmail.users.history.list({ userId: 'me', startHistoryId: current })).status).toBe(200);
  });

  it('history.list(): when older records fall out of historyRetention, their start ids answer 404', async () => {
    await fake.close();
    fake = await startFakeGoogle({ historyRetention: 3 });
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const ds = spamAssassin('spam-2', 6).map((raw) => fake.deliver(USER, raw));
    expect((await failure(gmail.users.history.list({ userId: 'me', startHistoryId: ds[1]?.historyId ?? '' }))).status).toBe(404);
    const ok = await gmail.users.history.list({ userId: 'me', startHistoryId: ds[2]?.historyId ?? '' });
    expect(ok.data.history?.map((h) => h.messages?.[0]?.id)).toEqual(ds.slice(3).map((d) => d.id));
  });

  it('history.list(): without startHistoryId, answers 400 invalidArgument', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const err = await failure(gmail.users.history.list({ userId: 'me' }));
    expect(err.status).toBe(400);
    expect(err.message).toContain('startHistoryId');
  });

  it('history.list(): with a start id in the future, answers 200 with no records', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    fake.deliver(USER, cpythonMessage(9));
    const { data } = await gmail.users.history.list({ userId: 'me', startHistoryId: '999999999999' });
    expect(data.history).toBeUndefined();
  });

  it('history.list(): with historyTypes=labelRemoved, skips messageAdded records', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_MODIFY]);
    const start = (await gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    const a = fake.deliver(USER, cpythonMessage(10));
    fake.deliver(USER, cpythonMessage(11));
    await gmail.users.messages.modify({ userId: 'me', id: a.id, requestBody: { removeLabelIds: ['INBOX'] } });
    const { data } = await gmail.users.history.list({ userId: 'me', startHistoryId: start, historyTypes: ['labelRemoved'] });
    expect(data.history).toHaveLength(1);
    expect(data.history?.[0]?.labelsRemoved?.[0]?.labelIds).toEqual(['INBOX']);
    expect(data.history?.[0]?.messagesAdded).toBeUndefined();
  });

  it('deleteMessage(): records messageDeleted and the id then answers 404 from messages.get', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const d = fake.deliver(USER, cpythonMessage(12));
    fake.deleteMessage(USER, d.id);
    const { data } = await gmail.users.history.list({ userId: 'me', startHistoryId: d.historyId });
    expect(data.history?.[0]?.messagesDeleted?.[0]?.message?.id).toBe(d.id);
    expect((await failure(gmail.users.messages.get({ userId: 'me', id: d.id }))).status).toBe(404);
  });
});
