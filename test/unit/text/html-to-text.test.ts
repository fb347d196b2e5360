// htmlToText is the only text a reader gets from HTML-only mail, and it meets hostile HTML, so
// it is tested for readable output and for finishing on pathological nesting.

import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../src/text/html-to-text.js';

describe('htmlToText()', () => {
  it('htmlToText(): when given named and numeric entities, decodes them', () => {
    expect(htmlToText('&amp; &lt;b&gt; &quot;q&quot; &#39;s &#x41;&#66; caf&eacute; &euro;5 &copy;')).toBe('& <b> "q" \'s AB café €5 ©');
  });

  it('htmlToText(): when an entity is unknown or malformed, leaves it as written', () => {
    expect(htmlToText('a=1&b=2&lang=en &bogus; &#xZZ;')).toBe('a=1&b=2&lang=en &bogus; &#xZZ;');
  });

  it('htmlToText(): when a numeric reference is NUL, a surrogate or a C1 code, replaces it the way HTML does', () => {
    expect(htmlToText('a&#0;b&#xD800;c&#150;d&#x110000;')).toBe('a\uFFFDb\uFFFDc–d\uFFFD');
  });

  it('htmlToText(): when lists are nested, indents the inner items and numbers ordered ones', () => {
    const html = '<ul><li>one<ul><li>two</li><li>three</li></ul></li><li>four</li></ul><ol><li>first</li><li>second</li></ol>';
    expect(htmlToText(html)).toBe('- one\n  - two\n  - three\n- four\n1. first\n2. second');
  });

  it('htmlToText(): when the HTML has script, style and head, drops their content', () => {
    const html =
      '<html><head><title>T</title><style>p{color:red}</style></head><body><p>Hi</p>' +
      '<script type="text/javascript">document.write("<p>no</p>")</script><STYLE>.x{}</STYLE><p>there</p></body></html>';
    expect(htmlToText(html)).toBe('Hi\n\nthere');
  });

  it('htmlToText(): when a script never closes, drops everything after it', () => {
    expect(htmlToText('kept<script>var a = "</p>";')).toBe('kept');
  });

  it('htmlToText(): when head never closes, still reads the body text', () => {
    expect(htmlToText('<head><meta charset="utf-8"><body><p>still here</p>')).toBe('still here');
  });

  it('htmlToText(): when block tags and <br> appear, turns them into line breaks', () => {
    expect(htmlToText('a<br>b<br/><br>c<div>d</div>e<p>f</p>g<h1>H</h1>')).toBe('a\nb\n\nc\nd\ne\n\nf\n\ng\n\nH');
  });

  it('htmlToText(): when whitespace runs through the markup, collapses it', () => {
    expect(htmlToText('  lots \t of\n\n   space <b> bold </b>end  ')).toBe('lots of space bold end');
  });

  it('htmlToText(): when text sits in links and inline tags, keeps the text without the markup', () => {
    expect(htmlToText('Go <a href="https://example.com/?a=1&amp;b=2" title="x>y">click <i>here</i></a>.')).toBe('Go click here.');
  });

  it('htmlToText(): when comments and conditional comments appear, drops them', () => {
    expect(htmlToText('a<!-- hidden --><!--[if mso]><p>mso</p><![endif]-->b<!DOCTYPE html><?xml x?>c')).toBe('abc');
  });

  it('htmlToText(): when a bare < appears in prose, keeps it', () => {
    expect(htmlToText('1 < 2 and 3<4 but <3 too')).toBe('1 < 2 and 3<4 but <3 too');
  });

  it('htmlToText(): when a tag never closes, drops the unfinished tag', () => {
    expect(htmlToText('before <a href="x>never')).toBe('before');
  });

  it('htmlToText(): when text is preformatted, keeps its spacing', () => {
    expect(htmlToText('<p>x</p><pre>\n  a  b\n    c</pre><p>y</p>')).toBe('x\n\n  a  b\n    c\n\ny');
  });

  it('htmlToText(): when table cells sit in rows, separates cells by spaces and rows by lines', () => {
    expect(htmlToText('<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>')).toBe('a b\nc d');
  });

  it('htmlToText(): when preview text is padded with zero-width characters, removes them', () => {
    expect(htmlToText('Sale&zwnj;&nbsp;&zwnj;&nbsp;&#8203;\u00ad!')).toBe('Sale !');
  });

  it('htmlToText(): when elements nest 100k deep, finishes and returns the text', () => {
    const depth = 100_000;
    expect(htmlToText('<div>'.repeat(depth) + 'deep' + '</div>'.repeat(depth))).toBe('deep');
    const lists = htmlToText('<ul><li>'.repeat(depth) + 'leaf');
    expect(typeof lists).toBe('string');
    expect(lists.endsWith('- leaf')).toBe(true);
  });

  it('htmlToText(): when given hostile unclosed quotes, comments and heads by the thousand, finishes', () => {
    const hostile = '<a title="'.repeat(20_000) + '<!--'.repeat(20_000) + '<head>'.repeat(20_000) + '<'.repeat(20_000);
    expect(typeof htmlToText(hostile)).toBe('string');
    expect(htmlToText('<head>x'.repeat(50_000)).length).toBeGreaterThan(0);
  });

  it('htmlToText(): when given an empty string, returns an empty string', () => {
    expect(htmlToText('')).toBe('');
  });
});
