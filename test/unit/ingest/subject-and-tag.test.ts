import { describe, expect, it } from 'vitest';
import { stripReplyPrefixes, subjectKey } from '../../../src/ingest/threading/subject-key.js';
import { formatTicketTag, ticketTagIn, ticketTagPattern } from '../../../src/ingest/threading/ticket-tag.js';

describe('subjectKey()', () => {
  it.each([
    ['Re: Hello', 'hello'],
    ['RE: re: Fwd: Hello', 'hello'],
    ['AW: Hello', 'hello'],
    ['SV: Hello', 'hello'],
    ['RE[2]: Hello', 'hello'],
    ['Re(3): Hello', 'hello'],
    ['WG: TR: RV: Hello   World', 'hello world'],
    ['Re: [#42] Re: Hello', 'hello'],
  ])('subjectKey(): when the subject is %j, normalises to %j', (subject, key) => {
    expect(subjectKey(subject, ticketTagPattern('[#{id}]'))).toBe(key);
  });

  it('stripReplyPrefixes(): when a word merely starts like a prefix, keeps it', () => {
    expect(stripReplyPrefixes('Reply needed: invoice')).toBe('Reply needed: invoice');
  });
});

describe('ticket tags', () => {
  it('ticketTagIn(): when the default format is in the subject, returns the id; otherwise null', () => {
    const p = ticketTagPattern('[#{id}]');
    expect(ticketTagIn('Re: [#123] Order', p)).toBe(123);
    expect(ticketTagIn('Order #123', p)).toBeNull();
    expect(formatTicketTag('[#{id}]', 7)).toBe('[#7]');
  });

  it('ticketTagPattern(): when the format holds regex characters, matches them literally', () => {
    const p = ticketTagPattern('(case {id}.)');
    expect(ticketTagIn('x (case 9.) y', p)).toBe(9);
    expect(ticketTagIn('x (case 9x) y', p)).toBeNull();
  });
});
