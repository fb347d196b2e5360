import { describe, expect, it } from 'vitest';
import { extractFeatures } from '../../../src/spam/features.js';
import { spamInput } from './spam-input-fixture.js';

describe('extractFeatures()', () => {
  it('extractFeatures(): prefixes words by the field they came from; HTML words count as body words', () => {
    const f = extractFeatures(
      spamInput({ subject: 'Cheap pills', text: 'buy now', html: '<p>buy now <span style="display:none">casino</span></p>' }),
    );
    expect(f).toEqual(expect.arrayContaining(['s:cheap', 's:pill', 'b:bui', 'b:now', 'b:casino']));
    expect(f.filter((x) => x === 'b:now')).toHaveLength(1); // in both parts, counted once
    expect(f.some((x) => x.startsWith('h:'))).toBe(false);
  });

  it('extractFeatures(): reads sender, Reply-To, link hosts, mailer, auth verdicts and labels as evidence', () => {
    const f = extractFeatures(
      spamInput({
        from: 'deals@shop.example.com',
        replyTo: 'x@other.test',
        text: 'see https://Promo.Example.net/a and http://10.1.2.3/x',
        labelIds: ['INBOX', 'SPAM', 'CATEGORY_PROMOTIONS'],
        headerList: [
          ['x-mailer', 'Mass Mailer 5.1'],
          ['authentication-results', 'mx.google.com; dkim=pass header.i=@x; spf=softfail smtp.mailfrom=y; dmarc=fail'],
          ['x-spam-status', 'Yes, score=9.1'],
          ['content-type', 'text/plain; charset="koi8-r"'],
        ],
      }),
    );
    expect(f).toEqual(
      expect.arrayContaining([
        'from:shop.example.com',
        'from:base:example.com',
        'from:tld:com',
        'replyto:differs',
        'replyto:other.test',
        'url:promo.example.net',
        'url:base:example.net',
        'url:ip',
        'mailer:mass mailer',
        'auth:dkim=pass',
        'auth:spf=softfail',
        'auth:dmarc=fail',
        'label:spam',
        'label:category_promotions',
        'xspam:yes',
        'charset:koi8-r',
        'body:text-only',
      ]),
    );
    expect(f).not.toContain('label:inbox');
  });

  it('extractFeatures(): when the message is empty, still describes its shape', () => {
    const f = extractFeatures(spamInput({ from: '' }));
    expect(f).toEqual(expect.arrayContaining(['from:none', 'body:empty', 'mailer:none', 'msgid:none']));
  });

  it('extractFeatures(): when the text was derived from the HTML, calls the body html-only', () => {
    const f = extractFeatures(spamInput({ text: 'Hello world', html: '<p>Hello world</p>' }));
    expect(f).toContain('body:html-only');
  });

  it('extractFeatures(): caps the number of features of a huge message', () => {
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}x`).join(' ');
    expect(extractFeatures(spamInput({ text: words })).length).toBeLessThanOrEqual(4000);
  });
});
