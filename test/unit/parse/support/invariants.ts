// The properties every ParsedMessage must have whatever the input, checked in one place so the
// corpus sweep and the edge-case tests hold parseMail to the same contract.

import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { Address, ParsedMessage } from '../../../../src/ingest/parse/index.js';

export function expectInvariants(message: ParsedMessage, raw: Buffer): void {
  expect(typeof message.subject).toBe('string');
  expect(typeof message.text).toBe('string');
  expect(message.text.includes('\0'), 'text contains NUL').toBe(false);
  expect(message.subject.includes('\0'), 'subject contains NUL').toBe(false);
  expect(message.html === null || (typeof message.html === 'string' && !message.html.includes('\0'))).toBe(true);
  expect(message.sizeBytes).toBe(raw.length);
  expect(message.date === null || Number.isFinite(message.date)).toBe(true);
  for (const id of [message.messageId, message.inReplyTo, ...message.references]) {
    expect(id === null || (id.length > 0 && !/[<>\s]/.test(id)), `bad message id ${String(id)}`).toBe(true);
  }
  for (const address of [message.from, message.replyTo, ...message.to, ...message.cc]) {
    if (address !== null) expectAddress(address);
  }
  for (const [name, values] of message.headers) {
    expect(name).toBe(name.toLowerCase());
    expect(values.every((v) => typeof v === 'string' && !v.includes('\0'))).toBe(true);
  }
  expectAttachments(message);
  expect(message.problems.every((p) => typeof p === 'string' && p.length > 0 && !p.includes('@'))).toBe(true);
}

function expectAddress(address: Address): void {
  expect(typeof address.address).toBe('string');
  expect(typeof address.name).toBe('string');
  expect(address.address).toBe(address.address.toLowerCase());
}

function expectAttachments(message: ParsedMessage): void {
  for (const attachment of message.attachments) {
    expect(attachment.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Number.isInteger(attachment.size) && attachment.size >= 0).toBe(true);
    expect(typeof attachment.filename).toBe('string');
    expect(typeof attachment.contentType).toBe('string');
    if (attachment.content === null) {
      expect(attachment.omittedReason).toEqual(expect.any(String));
    } else {
      expect(attachment.content.length).toBe(attachment.size);
      expect(createHash('sha256').update(attachment.content).digest('hex')).toBe(attachment.sha256);
      expect(attachment.omittedReason).toBeNull();
    }
  }
}
