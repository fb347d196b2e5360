// What a remote worker hands the store host for one message: the ingest job and, when it
// could fetch it, the raw message with its parse and verdict. It travels as a job on the
// `commit` queue whose id follows the ingest job's, so a retried worker job cannot commit
// twice; the payload is v8-serialised (Buffers and Dates survive) and MAC'd with the worker
// key, so nobody who can only write to Redis can forge a ticket's content.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { IngestJobData } from '../ingest/ingest-job.js';
import { ingestJobId } from '../ingest/ingest-job.js';
export { COMMIT_QUEUE } from '../ingest/ingest-job.js';
import type { Shipped } from '../ingest/shipped.js';

export interface CommitJobData {
  job: IngestJobData;
  /** null: the store host runs the whole ingest itself (IMAP, a replay, a grant Google refused). */
  payload: string | null;
}

export type { Shipped } from '../ingest/shipped.js';

export function commitJobId(job: Pick<IngestJobData, 'mailboxId' | 'providerMessageId'>): string {
  return `commit:${ingestJobId(job.mailboxId, job.providerMessageId)}`;
}

const mac = (key: Buffer, body: string): Buffer => createHmac('sha256', key).update(body).digest();

export function encodeShipped(shipped: Shipped, key: Buffer): string {
  const body = serialize(shipped).toString('base64');
  return `${body}.${mac(key, body).toString('base64url')}`;
}

/** The payload's two parts: the base64 of the serialised Shipped, and its MAC. */
function partsOf(payload: string): { body: string; tag: string } | null {
  const dot = payload.lastIndexOf('.');
  return dot < 0 ? null : { body: payload.slice(0, dot), tag: payload.slice(dot + 1) };
}

/** The shipped result, or null when the payload was not made with this key (then the store host fetches itself). */
export function decodeShipped(payload: string, key: Buffer): Shipped | null {
  const parts = partsOf(payload);
  if (!parts) return null;
  const { body } = parts;
  const given = Buffer.from(parts.tag, 'base64url');
  const expected = mac(key, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return deserialize(Buffer.from(body, 'base64')) as Shipped;
}

/**
 * The serialised bytes of a payload, its MAC NOT checked: for searching what a commit job holds
 * (an erasure needs no worker key to find a person's mail), never for landing it. Deliberately
 * not deserialised: the MAC is what stands between a Redis writer and v8's deserializer. The raw
 * message's bytes appear in them as they are, and the parse's strings as Latin-1 or UTF-16LE.
 */
export function shippedBytesUnverified(payload: string): Buffer {
  return Buffer.from(partsOf(payload)?.body ?? payload, 'base64');
}
