import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText } from '../../../src/spam/html-text.js';

describe('htmlToText()', () => {
  it('htmlToText(): drops tags, scripts, styles and comments, keeps line breaks', () => {
    const html =
      '<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>Hello <b>there</b></p><!-- hidden -->World<br>Bye</body></html>';
    expect(htmlToText(html)).toBe('Hello there\nWorld\nBye');
  });

  it('decodeEntities(): decodes named, decimal and hex entities and leaves unknown ones', () => {
    expect(decodeEntities('&amp; &#36;5 &#x20AC; &bogus;')).toBe('& $5 € &bogus;');
  });

  it('htmlToText(): on an unterminated tag or huge input, returns without stalling', () => {
    expect(htmlToText('<p>ok <a href="x')).toBe('ok');
    const started = performance.now();
    htmlToText('<div>'.repeat(300_000));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
