// The agent-facing body computed by the analyser: the same as the ingest thread would compute,
// and bodies past the caps cut with the cut recorded.
import { describe, expect, it } from 'vitest';
import { analyseMessage } from '../../../src/ingest/analyse.js';
import { BODY_CAPS, capBodies, agentBody } from '../../../src/ingest/body/agent-body.js';
import { defaultMailHandling } from '../../../src/ingest/mail-options.js';
import { parseMail } from '../../../src/ingest/parse/index.js';
import { GUARD_HEADERS } from '../../../src/ingest/guard/machine-mail.js';

const LIMITS = { maxMessageBytes: 36_700_160, maxAttachmentBytes: 1024 * 1024 };
const HTML = defaultMailHandling().html;
const mail = (contentType: string, body: string): Buffer =>
  Buffer.from(['From: a@example.com', 'Subject: s', `Content-Type: ${contentType}`, '', body].join('\r\n'), 'utf8');

describe('agent body', () => {
  it('analyseMessage(): with HTML options, gives the quote-split text and sanitised HTML', async () => {
    const raw = mail('text/html', '<p onclick="x()">New words</p><script>alert(1)</script>');
    const analysis = await analyseMessage(raw, [], LIMITS, null, HTML);
    expect(analysis.body).toEqual(agentBody(capBodies(await parseMail(raw, LIMITS)), HTML));
    expect(analysis.body?.html).toBe('<p>New words</p>');
  });

  it('analyseMessage(): with HTML options, the message keeps no text or HTML of its own and only the headers the guard reads', async () => {
    const raw = Buffer.from(
      [
        'From: a@example.com',
        'Subject: s',
        'Auto-Submitted: auto-replied',
        'List-Id: <list.example.com>',
        'Received: from mx.example.com',
        'X-Mailer: Example 1.0',
        'Content-Type: text/plain',
        '',
        'New words',
      ].join('\r\n'),
      'utf8',
    );
    const full = capBodies(await parseMail(raw, LIMITS));
    const { message, body } = await analyseMessage(raw, [], LIMITS, null, HTML);
    expect(body?.text).toBe('New words');
    expect({ text: message.text, html: message.html }).toEqual({ text: '', html: null });
    expect([...message.headers.keys()].sort()).toEqual(['auto-submitted', 'content-type', 'list-id']);
    expect(GUARD_HEADERS.filter((h) => full.headers.has(h)).sort()).toEqual(['auto-submitted', 'content-type', 'list-id']);
    expect({ ...message, headers: null }).toEqual({ ...full, text: '', html: null, headers: null });
  });

  it('analyseMessage(): without HTML options, leaves the body to the ingest thread', async () => {
    const analysis = await analyseMessage(mail('text/plain', 'hello'), [], LIMITS, null);
    expect(analysis.body).toBeUndefined();
  });

  it('capBodies(): when the text is longer than the cap, keeps the first characters and records the cut', async () => {
    const message = await parseMail(mail('text/plain', 'a'.repeat(BODY_CAPS.textChars + 10)), { ...LIMITS, maxMessageBytes: 8e6 });
    const capped = capBodies(message);
    expect(capped.text.length).toBe(BODY_CAPS.textChars);
    expect(capped.problems).toContain(`text body of ${message.text.length} characters; the ticket keeps the first ${BODY_CAPS.textChars}`);
  });

  it('capBodies(): when the HTML has more tags than the cap, drops it for its text and records why', async () => {
    const deep = `${'<div>'.repeat(BODY_CAPS.htmlTags)}deep words${'</div>'.repeat(10)}`;
    const message = await parseMail(mail('text/html', deep), { ...LIMITS, maxMessageBytes: 8e6 });
    const capped = capBodies(message);
    expect(capped.html).toBeNull();
    expect(capped.text).toContain('deep words');
    expect(capped.problems).toContain(`HTML body has more than ${BODY_CAPS.htmlTags} tags; only its text is kept`);
  });

  it('capBodies(): when both bodies are within the caps, returns the message unchanged', async () => {
    const message = await parseMail(mail('text/plain', 'short'), LIMITS);
    expect(capBodies(message)).toBe(message);
  });
});
