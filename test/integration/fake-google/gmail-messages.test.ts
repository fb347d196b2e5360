// Gmail messages, profile, labels and the auth layer, through the real googleapis
// gmail client pointed at the fake (SPEC.md §3.1-3.3, 3.5, 3.6, 3.10).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { gmail_v1 } from '@googleapis/gmail';
import { startFakeGoogle, type FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { connect, cpythonMessage, failure, GMAIL_METADATA, GMAIL_MODIFY, GMAIL_READONLY, spamAssassin } from './helpers.js';

let fake: FakeGoogle;
beforeEach(async () => {
  fake = await startFakeGoogle();
});
afterEach(async () => {
  await fake.close();
});

const USER = 'support@example.com';

function flatten(part: gmail_v1.Schema$MessagePart | undefined): gmail_v1.Schema$MessagePart[] {
  return part ? [part, ...(part.parts ?? []).flatMap(flatten)] : [];
}

describe('messages', () => {
  it('getProfile(): returns the address, totals and the current historyId as a string', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    spamAssassin('easy-ham-1', 3).forEach((raw) => fake.deliver(USER, raw));
    const last = fake.deliver(USER, cpythonMessage(1));
    const { data } = await gmail.users.getProfile({ userId: 'me' });
    expect(data).toEqual({ emailAddress: USER, messagesTotal: 4, threadsTotal: 4, historyId: last.historyId });
  });

  it('messages.get(format=raw): returns base64url that decodes to the delivered bytes exactly', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const raws = [...spamAssassin('spam-1', 5), cpythonMessage(13)];
    for (const raw of raws) {
      const { id } = fake.deliver(USER, raw);
      const { data } = await gmail.users.messages.get({ userId: 'me', id, format: 'raw' });
      expect(Buffer.from(data.raw ?? '', 'base64url').equals(raw)).toBe(true);
      expect(data.sizeEstimate).toBe(raw.length);
      expect(data.labelIds).toEqual(['INBOX', 'UNREAD']);
      expect(data.internalDate).toMatch(/^\d{13}$/);
    }
  });

  it('messages.list(): returns newest first, pages with nextPageToken and omits messages when empty', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    expect((await gmail.users.messages.list({ userId: 'me' })).data).toEqual({ resultSizeEstimate: 0 });
    const ids = spamAssassin('easy-ham-2', 7).map((raw, i) => fake.deliver(USER, raw, { internalDate: 1_700_000_000_000 + i * 1000 }).id);
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await gmail.users.messages.list({ userId: 'me', maxResults: 3, pageToken });
      seen.push(...(data.messages ?? []).map((m) => m.id ?? ''));
      expect(data.resultSizeEstimate).toBe(7);
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(seen).toEqual([...ids].reverse());
  });

  it('messages.list(): filters by all labelIds and hides SPAM unless includeSpamTrash', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const [ham, spam] = [spamAssassin('easy-ham-1', 1)[0], spamAssassin('spam-2', 1)[0]];
    const inbox = fake.deliver(USER, ham ?? '', { labelIds: ['INBOX'] });
    const junk = fake.deliver(USER, spam ?? '', { labelIds: ['SPAM', 'UNREAD'] });
    const unread = await gmail.users.messages.list({ userId: 'me', labelIds: ['UNREAD'] });
    expect(unread.data.resultSizeEstimate).toBe(0);
    const all = await gmail.users.messages.list({ userId: 'me', includeSpamTrash: true });
    expect(all.data.messages?.map((m) => m.id).sort()).toEqual([inbox.id, junk.id].sort());
    const inInbox = await gmail.users.messages.list({ userId: 'me', q: 'in:inbox' });
    expect(inInbox.data.messages?.map((m) => m.id)).toEqual([inbox.id]);
  });

  it('messages.get(format=metadata): returns only the asked metadataHeaders, and no body', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_METADATA]);
    const { id } = fake.deliver(USER, cpythonMessage(7));
    const { data } = await gmail.users.messages.get({ userId: 'me', id, format: 'metadata', metadataHeaders: ['Subject', 'from'] });
    expect(data.payload?.headers).toEqual([
      { name: 'From', value: 'Barry <barry@digicool.com>' },
      { name: 'Subject', value: 'Here is your dingus fish' },
    ]);
    expect(data.payload?.mimeType).toBe('multipart/mixed');
    expect(data.raw).toBeUndefined();
  });

  it('messages.get(format=full): gives the nested MIME tree, inline text as data and the attachment by id', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const { id } = fake.deliver(USER, cpythonMessage(13));
    const { data } = await gmail.users.messages.get({ userId: 'me', id, format: 'full' });
    const parts = flatten(data.payload ?? undefined);
    expect(parts.map((p) => [p.partId, p.mimeType])).toEqual([
      ['', 'multipart/mixed'],
      ['0', 'text/plain'],
      ['1', 'multipart/mixed'],
      ['1.0', 'text/plain'],
      ['1.1', 'image/gif'],
    ]);
    expect(Buffer.from(parts[1]?.body?.data ?? '', 'base64url').toString()).toBe('A text/plain part\n');
    const gif = parts[4];
    expect(gif?.filename).toBe('dingusfish.gif');
    expect(gif?.body?.data).toBeUndefined();
    const att = await gmail.users.messages.attachments.get({ userId: 'me', messageId: id, id: gif?.body?.attachmentId ?? '' });
    const bytes = Buffer.from(att.data.data ?? '', 'base64url');
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF87a');
    expect(att.data.size).toBe(bytes.length);
    expect(data.snippet).toBe('A text/plain part');
  });

  it("messages.get(): for an unknown id, answers 404 with Google's notFound envelope", async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const err = await failure(gmail.users.messages.get({ userId: 'me', id: '18c0000000000000' }));
    expect(err.status).toBe(404);
    expect(err.response?.data).toEqual({
      error: {
        code: 404,
        message: 'Requested entity was not found.',
        errors: [{ message: 'Requested entity was not found.', domain: 'global', reason: 'notFound' }],
        status: 'NOT_FOUND',
      },
    });
  });

  it('deliver(): a reply naming an earlier Message-ID with the same subject joins its thread', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const corpus = spamAssassin('easy-ham-1', 44);
    const ids = corpus.map((raw) => fake.deliver(USER, raw));
    // easy-ham-1 #31 "Entrepreneurs" is answered by #36 and #43 ("Re: Entrepreneurs").
    expect(ids[36]?.threadId).toBe(ids[31]?.id);
    expect(ids[43]?.threadId).toBe(ids[31]?.id);
    expect(ids[30]?.threadId).toBe(ids[30]?.id);
    const changed = Buffer.from(
      (corpus[36] ?? Buffer.alloc(0)).toString('latin1').replace(/^Subject: .*$/m, 'Subject: Something else'),
      'latin1',
    );
    const other = fake.deliver(USER, changed);
    expect(other.threadId).toBe(other.id);
    const { data } = await gmail.users.messages.get({ userId: 'me', id: ids[36]?.id ?? '', format: 'minimal' });
    expect(data.threadId).toBe(ids[31]?.id);
    expect(ids.every((d) => /^[0-9a-f]{16}$/.test(d.id))).toBe(true);
  });
});

describe('auth layer', () => {
  it('gmail calls: without a bearer token, answer 401 UNAUTHENTICATED with WWW-Authenticate', async () => {
    const res = await fetch(`${fake.url}/gmail/v1/users/me/profile`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    const body = (await res.json()) as { error: { status: string; errors: { reason: string }[] } };
    expect(body.error.status).toBe('UNAUTHENTICATED');
    expect(body.error.errors[0]?.reason).toBe('authError');
  });

  it('messages.modify(): with a readonly token, answers 403 insufficientPermissions', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const { id } = fake.deliver(USER, cpythonMessage(1));
    const err = await failure(gmail.users.messages.modify({ userId: 'me', id, requestBody: { removeLabelIds: ['UNREAD'] } }));
    expect(err.status).toBe(403);
    expect((err.response?.data as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason).toBe('insufficientPermissions');
  });

  it('messages.get(format=raw): with only gmail.metadata, answers 403', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_METADATA]);
    const { id } = fake.deliver(USER, cpythonMessage(1));
    const err = await failure(gmail.users.messages.get({ userId: 'me', id, format: 'raw' }));
    expect(err.status).toBe(403);
  });

  it("gmail calls: for another user's address, answer 403 delegation denied", async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_READONLY]);
    const err = await failure(gmail.users.getProfile({ userId: 'someone-else@example.com' }));
    expect(err.status).toBe(403);
    expect(err.message).toContain('Delegation denied');
  });
});

describe('modify and labels', () => {
  it('messages.modify(): removing UNREAD returns the new labels and records labelRemoved history', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_MODIFY]);
    const delivered = fake.deliver(USER, cpythonMessage(2));
    const { data } = await gmail.users.messages.modify({ userId: 'me', id: delivered.id, requestBody: { removeLabelIds: ['UNREAD'] } });
    expect(data.labelIds).toEqual(['INBOX']);
    const history = await gmail.users.history.list({ userId: 'me', startHistoryId: delivered.historyId });
    expect(history.data.history).toHaveLength(1);
    expect(history.data.history?.[0]?.labelsRemoved).toEqual([
      { message: { id: delivered.id, threadId: delivered.threadId, labelIds: ['INBOX'] }, labelIds: ['UNREAD'] },
    ]);
    expect(BigInt(history.data.historyId ?? '0')).toBeGreaterThan(BigInt(delivered.historyId));
  });

  it('labels.create(): makes a user label usable by modify; a duplicate name answers 409', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_MODIFY]);
    const { data: label } = await gmail.users.labels.create({ userId: 'me', requestBody: { name: 'Intake/Processed' } });
    expect(label).toMatchObject({ name: 'Intake/Processed', type: 'user', id: expect.stringMatching(/^Label_\d+$/) });
    const { id } = fake.deliver(USER, cpythonMessage(3));
    const { data } = await gmail.users.messages.modify({ userId: 'me', id, requestBody: { addLabelIds: [label.id ?? ''] } });
    expect(data.labelIds).toContain(label.id);
    const dup = await failure(gmail.users.labels.create({ userId: 'me', requestBody: { name: 'intake/processed' } }));
    expect(dup.status).toBe(409);
    const list = await gmail.users.labels.list({ userId: 'me' });
    expect(list.data.labels?.map((l) => l.id)).toEqual(expect.arrayContaining(['INBOX', 'UNREAD', 'SPAM', 'TRASH', label.id]));
    const got = await gmail.users.labels.get({ userId: 'me', id: label.id ?? '' });
    expect(got.data.messagesTotal).toBe(1);
  });

  it('messages.modify(): with an unknown label id, answers 400 "Invalid label"', async () => {
    const { gmail } = await connect(fake, USER, [GMAIL_MODIFY]);
    const { id } = fake.deliver(USER, cpythonMessage(4));
    const err = await failure(gmail.users.messages.modify({ userId: 'me', id, requestBody: { addLabelIds: ['Label_404'] } }));
    expect(err.status).toBe(400);
    expect(err.message).toBe('Invalid label: Label_404');
  });
});
