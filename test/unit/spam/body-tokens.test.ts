import { describe, expect, it } from 'vitest';
import { bucket, textShapeTokens, urlTokens } from '../../../src/spam/body-tokens.js';

describe('urlTokens()', () => {
  it('urlTokens(): when a URL has a query string, emits its path pieces and a query marker', () => {
    const t = urlTokens('go to http://shop.example.com/cheap-meds/order.php?id=42 now');
    expect(t).toEqual(
      expect.arrayContaining(['urlpath:cheap', 'urlpath:meds', 'urlpath:order', 'urlpath:php', 'url:query', 'url:count:le1']),
    );
  });

  it('urlTokens(): when a link hides its host behind userinfo, a port or escapes, flags each', () => {
    const t = urlTokens('http://www.bank.com@203.0.113.9:8080/%6c%6f%67in');
    expect(t).toEqual(expect.arrayContaining(['url:userinfo', 'url:port', 'url:escaped']));
  });

  it('urlTokens(): when the text has no link, emits nothing', () => {
    expect(urlTokens('no links here, just www and dots.')).toEqual([]);
  });
});

describe('textShapeTokens()', () => {
  it('textShapeTokens(): when the text shouts about money, emits high caps, bangs, money and toll-free', () => {
    const t = textShapeTokens('ACT NOW AND SAVE $50 ON EVERY SINGLE ORDER!!! CALL 1-800-555-0199 TODAY, THIS OFFER ENDS SOON, ONLY $9.99!');
    expect(t).toEqual(expect.arrayContaining(['shape:caps:more', 'shape:bang:le10', 'shape:money:le3', 'shape:toll-free']));
  });

  it('textShapeTokens(): when the text is ordinary prose, reports low caps and no money', () => {
    const t = textShapeTokens('Hi Anna, the build failed again on the arm runner; I will look at the logs tomorrow.');
    expect(t).toEqual(expect.arrayContaining(['shape:caps:le5', 'shape:bang:le0', 'shape:money:le0']));
  });
});

describe('bucket()', () => {
  it('bucket(): returns the first bound the value does not exceed, else "more"', () => {
    expect([0, 1, 2, 50].map((v) => bucket(v, [0, 1, 10]))).toEqual(['le0', 'le1', 'le10', 'more']);
  });
});
