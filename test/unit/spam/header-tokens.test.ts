import { describe, expect, it } from 'vitest';
import { dateTokens, headerNameTokens, receivedTokens, subjectTokens } from '../../../src/spam/header-tokens.js';

const headersOf = (list: [string, string][]): Map<string, string[]> => {
  const map = new Map<string, string[]>();
  for (const [k, v] of list) map.set(k, [...(map.get(k) ?? []), v]);
  return map;
};

describe('headerNameTokens()', () => {
  it('headerNameTokens(): when list headers are present, emits its presence, and the absence of each common header', () => {
    expect(
      headerNameTokens(
        headersOf([
          ['list-id', '<x.y>'],
          ['from', 'a'],
          ['received', 'a'],
          ['received', 'b'],
        ]),
      ),
    ).toEqual([
      'hdr:no-to',
      'hdr:no-subject',
      'hdr:no-date',
      'hdr:no-message-id',
      'hdr:no-mime-version',
      'hdr:no-content-type',
      'hdr:list-id',
    ]);
  });
});

describe('receivedTokens()', () => {
  it('receivedTokens(): when relays are named, emits hop count, relay domains and public /16 and /24 networks', () => {
    const t = receivedTokens([
      'from mail.webnote.net (mail.webnote.net [193.120.211.219]) by mx.example.org with ESMTP',
      'from localhost (localhost [127.0.0.1]) by relay.example.org',
    ]);
    expect(t).toEqual(
      expect.arrayContaining([
        'received:hops:2',
        'received:webnote.net',
        'received:example.org',
        'received:ip:193.120',
        'received:ip:193.120.211',
      ]),
    );
    expect(t.some((x) => x.startsWith('received:ip:127'))).toBe(false);
  });
});

describe('dateTokens()', () => {
  it('dateTokens(): when Date has no weekday or zone and is years before the first relay, says so', () => {
    const h = headersOf([
      ['date', '31 Jul 1980 07:20:54'],
      ['received', 'from a by b; Thu, 16 May 2002 11:03:52 +0100'],
    ]);
    expect(dateTokens(h)).toEqual(['date:no-weekday', 'date:no-zone', 'date:skew:over-30d']);
  });

  it('dateTokens(): when Date is well formed and close to the relay time, gives its zone and a small skew', () => {
    const h = headersOf([
      ['date', 'Thu, 22 Aug 2002 09:15:25 -0400'],
      ['received', 'from a by b; Thu, 22 Aug 2002 14:23:38 +0100'],
    ]);
    expect(dateTokens(h)).toEqual(['date:zone:-0400', 'date:skew:under-1h']);
  });
});

describe('subjectTokens()', () => {
  it('subjectTokens(): when the subject shouts with !!! and $$$, emits caps, punctuation and cased words', () => {
    const t = subjectTokens('FREE MONEY NOW!!! $$$');
    expect(t).toEqual(expect.arrayContaining(['subj:all-caps', 'subj:punct:!!!', 'subj:punct:$$$', 'S:FREE']));
  });

  it('subjectTokens(): when the subject is a list reply, marks the reply and the list tag but not shouting', () => {
    const t = subjectTokens('Re: [ILUG] question about kernels');
    expect(t).toEqual(expect.arrayContaining(['subj:reply']));
    expect(t).not.toContain('subj:all-caps');
    expect(subjectTokens('[ILUG] kernels')).toContain('subj:list-tag');
  });
});
