// Which queued jobs an erasure removes: by the erased messages' job ids, and by the address in
// a job's JSON, its last error, or the shipped message inside a commit job's base64 payload.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { belongsToSubject, bytesNameAddress, type SubjectJobs } from '../../../src/privacy/erase/subject-jobs.js';
import { encodeShipped, shippedBytesUnverified, type Shipped } from '../../../src/remote/commit-job.js';
import type { QueuedJob } from '../../../src/queue/job-queue.js';

const EMAIL = 'alice.erasable@customer.example';
const key = randomBytes(32);
const subject: SubjectJobs = { email: EMAIL, jobIds: new Set(['ingest:1:m1', 'commit:ingest:1:m1']) };

function shippedRaw(raw: string, text = ''): Shipped {
  const fetched = { raw: Buffer.from(raw), threadId: null, labelIds: ['INBOX'], internalDate: null };
  if (!text) return { fetched, analysis: null };
  const message = {
    messageId: null,
    inReplyTo: null,
    references: [],
    subject: '',
    from: null,
    replyTo: null,
    to: [],
    cc: [],
    date: null,
    text,
    html: null,
    headers: new Map<string, string[]>(),
    attachments: [],
    sizeBytes: raw.length,
    problems: [],
  };
  return { fetched, analysis: { message, judgement: null } };
}

const job = (over: Partial<QueuedJob>): QueuedJob => ({
  id: 'ingest:1:other',
  queue: 'ingest',
  name: 'ingest',
  data: { mailboxId: 1, providerMessageId: 'other', threadId: null },
  state: 'waiting',
  errorMessage: null,
  ...over,
});
const commit = (payload: string | null, over: Partial<QueuedJob> = {}): QueuedJob =>
  job({
    id: 'commit:ingest:1:c9',
    queue: 'commit',
    name: 'commit',
    data: { job: { mailboxId: 1, providerMessageId: 'c9' }, payload },
    ...over,
  });

describe('belongsToSubject()', () => {
  it('belongsToSubject(): when a commit job ships a message whose From names the address (any case), returns true; MAC not needed', () => {
    const payload = encodeShipped(shippedRaw('From: Alice.Erasable@Customer.example\r\nSubject: kettle\r\n\r\nbody'), key);
    expect(payload.toLowerCase()).not.toContain(EMAIL);
    expect(belongsToSubject(commit(payload, { state: 'failed' }), subject)).toBe(true);
    expect(belongsToSubject(commit(`${payload.slice(0, payload.lastIndexOf('.'))}.forged`), subject)).toBe(true);
  });

  it("belongsToSubject(): when the address is only in the parse's text (base64 body, a two-byte string), returns true", () => {
    const raw = 'From: bob@other.example\r\nContent-Transfer-Encoding: base64\r\n\r\nTXkgbmVpZ2hib3Vy\r\n';
    expect(belongsToSubject(commit(encodeShipped(shippedRaw(raw), key)), subject)).toBe(false);
    const payload = encodeShipped(shippedRaw(raw, `Mon voisin ${EMAIL} — même problème ✓`), key);
    expect(belongsToSubject(commit(payload), subject)).toBe(true);
  });

  it("belongsToSubject(): when a commit job ships someone else's message, returns false", () => {
    const payload = encodeShipped(shippedRaw('From: bob.keeps@other.example\r\n\r\nno one else named'), key);
    expect(belongsToSubject(commit(payload, { state: 'failed' }), subject)).toBe(false);
  });

  it('belongsToSubject(): by job id, returns true for a waiting or failed job and a completed commit holding mail, false for a completed one holding ids only', () => {
    expect(belongsToSubject(job({ id: 'ingest:1:m1' }), subject)).toBe(true);
    expect(belongsToSubject(job({ id: 'ingest:1:m1', state: 'failed' }), subject)).toBe(true);
    expect(belongsToSubject(job({ id: 'ingest:1:m1', state: 'completed' }), subject)).toBe(false);
    const payload = encodeShipped(shippedRaw('From: bob@other.example\r\n\r\nx'), key);
    expect(belongsToSubject(commit(payload, { id: 'commit:ingest:1:m1', state: 'completed' }), subject)).toBe(true);
    expect(belongsToSubject(commit(null, { id: 'commit:ingest:1:m1', state: 'completed' }), subject)).toBe(false);
    expect(belongsToSubject(commit(null, { id: 'commit:ingest:1:m1', state: 'waiting' }), subject)).toBe(true);
  });

  it('belongsToSubject(): when plain job data or the last error names the address, returns true', () => {
    expect(belongsToSubject(job({ queue: 'deliver', data: { to: 'ALICE.ERASABLE@customer.example' } }), subject)).toBe(true);
    expect(belongsToSubject(job({ state: 'failed', errorMessage: `mailbox ${EMAIL} refused` }), subject)).toBe(true);
    expect(belongsToSubject(job({}), subject)).toBe(false);
  });
});

describe('bytesNameAddress()', () => {
  it('bytesNameAddress(): finds the address as Latin-1 and as UTF-16LE at an odd offset', () => {
    const utf16 = Buffer.concat([Buffer.from([7]), Buffer.from(`x${EMAIL}`, 'utf16le')]);
    expect(bytesNameAddress(utf16, EMAIL)).toBe(true);
    expect(bytesNameAddress(Buffer.from(`..${EMAIL.toUpperCase()}..`, 'latin1'), EMAIL)).toBe(true);
    expect(bytesNameAddress(shippedBytesUnverified(encodeShipped(shippedRaw('From: a@b.example\r\n\r\n'), key)), EMAIL)).toBe(false);
  });
});
