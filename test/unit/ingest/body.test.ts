import { describe, expect, it } from 'vitest';
import { REMOTE_IMAGE_PLACEHOLDER, resolveCidImages, sanitiseHtml } from '../../../src/ingest/body/sanitise-html.js';
import { splitQuote } from '../../../src/ingest/body/split-quote.js';
import { contentDisposition, safeMediaType } from '../../../src/http/attachment-download.js';

const off = { allowRemoteImages: false };

describe('sanitiseHtml()', () => {
  it('sanitiseHtml(): when HTML carries script, handlers, javascript:/data: links, forms and styles, removes them and keeps the text', () => {
    const out = sanitiseHtml(
      '<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:alert(1)">a</a><a href="data:text/html,x">b</a>' +
        '<form action="/x"><input name="q"></form><b style="background:url(http://t)">bold</b><iframe src="http://e"></iframe></p>',
      off,
    );
    expect(out).not.toMatch(/script|onclick|javascript:|data:|<form|<input|style=|iframe/i);
    expect(out).toContain('bold');
    expect(out).toContain('Hi');
  });

  it('sanitiseHtml(): when remote images are off, replaces them with a placeholder; when on, keeps them', () => {
    const html = '<img src="https://tracker.test/p.gif" alt="logo">';
    const blocked = sanitiseHtml(html, off);
    expect(blocked).not.toContain('tracker.test');
    expect(blocked).toContain(REMOTE_IMAGE_PLACEHOLDER);
    expect(sanitiseHtml(html, { allowRemoteImages: true })).toContain('https://tracker.test/p.gif');
  });

  it('sanitiseHtml(): when a link is http(s) or mailto, keeps it with rel=noopener and a new window', () => {
    const out = sanitiseHtml('<a href="https://ok.test/">x</a>', off);
    expect(out).toContain('href="https://ok.test/"');
    expect(out).toContain('rel="noopener noreferrer nofollow"');
  });

  it('resolveCidImages(): when an inline image names a Content-ID, points it at the attachment route; an unknown one gets no source', () => {
    const safe = sanitiseHtml('<img src="cid:logo@x"><img src="cid:other@x">', off);
    const out = resolveCidImages(safe, (cid) => (cid === 'logo@x' ? '/api/attachments/7' : null));
    expect(out).toContain('src="/api/attachments/7"');
    expect(out).not.toContain('cid:');
  });
});

describe('splitQuote()', () => {
  it.each([
    ['On Mon, 10 Oct 2022 at 10:00, Bob <bob@x.test> wrote:'],
    ['Am 10.10.2022 um 10:00 schrieb Bob <bob@x.test>:'],
    ['Le lun. 10 oct. 2022 à 10:00, Bob <bob@x.test> a écrit :'],
    ['El lun, 10 oct 2022 a las 10:00, Bob (<bob@x.test>) escribió:'],
    ['-----Original Message-----'],
    ['-----Ursprüngliche Nachricht-----'],
  ])('splitQuote(): when the reply chain starts with %j, separates the new text from it', (marker) => {
    const { text, quotedText } = splitQuote(`Thanks, that worked.\n\n${marker}\n> old question\n> more`);
    expect(text).toBe('Thanks, that worked.');
    expect(quotedText.startsWith(marker)).toBe(true);
  });

  it('splitQuote(): when Gmail wraps the attribution over two lines, still splits there', () => {
    const { text, quotedText } = splitQuote('New words\n\nOn Mon, 10 Oct 2022 at 10:00, Bob Example <\nbob@x.test> wrote:\n> old');
    expect(text).toBe('New words');
    expect(quotedText).toContain('> old');
  });

  it('splitQuote(): when Outlook quotes with a From:/Sent: block, splits at From:', () => {
    const { text } = splitQuote('Yes.\n\nFrom: Bob <bob@x.test>\nSent: Monday\nTo: me\nSubject: Q\n\nold');
    expect(text).toBe('Yes.');
  });

  it('splitQuote(): when the message ends in "> " lines, those are the quoted text', () => {
    expect(splitQuote('Answer\n\n> q1\n>\n> q2')).toEqual({ text: 'Answer', quotedText: '> q1\n>\n> q2' });
  });

  it('splitQuote(): when nothing is quoted, keeps all text as new', () => {
    expect(splitQuote('Just a question, I wrote it myself:\nhelp')).toEqual({
      text: 'Just a question, I wrote it myself:\nhelp',
      quotedText: '',
    });
  });
});

describe('attachment download headers', () => {
  it('contentDisposition(): when the name is not ASCII, gives an ASCII fallback and an RFC 8187 filename*', () => {
    expect(contentDisposition('Rechnung März "1".pdf')).toBe(
      `attachment; filename="Rechnung M_rz _1_.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz%20%221%22.pdf`,
    );
    expect(contentDisposition('')).toBe(`attachment; filename="attachment"; filename*=UTF-8''attachment`);
  });

  it('safeMediaType(): when the stored type is malformed, serves application/octet-stream', () => {
    expect(safeMediaType('image/png')).toBe('image/png');
    expect(safeMediaType('text/html\r\nX-Evil: 1')).toBe('application/octet-stream');
  });
});
