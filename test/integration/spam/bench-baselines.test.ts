// The benchmark's baselines and its text-only view, on small real inputs: the view keeps
// only Subject and the decoded body, the multinomial NB separates what it learned, and
// bogofilter (the real binary) is trained and tested through its command line, leaving
// no wordlist behind.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { bodyOnlyRaw } from '../../../bench/lib/body-only.js';
import { bogofilterVersion, runBogofilter } from '../../../bench/lib/bogofilter-baseline.js';
import type { LabelledMessage } from '../../../bench/lib/labelled-corpus.js';
import { writeSplit } from '../../../bench/lib/messages-on-disk.js';
import { MultinomialNb } from '../../../bench/lib/multinomial-baseline.js';
import { spamInputFromRaw } from '../../../src/spam/spam-input.js';
import { multipart, rawMessage } from './raw-mail.js';

const SPAM_WORDS = ['cheap', 'pills', 'winner', 'casino', 'bonus', 'viagra', 'lottery', 'prize'];
const HAM_WORDS = ['invoice', 'meeting', 'agenda', 'refund', 'delivery', 'contract', 'schedule', 'report'];

async function message(label: 'spam' | 'ham', i: number): Promise<LabelledMessage> {
  const words = label === 'spam' ? SPAM_WORDS : HAM_WORDS;
  const body = Array.from({ length: 12 }, (_, k) => words[(i + k * 3) % words.length]).join(' ');
  const raw = rawMessage({ from: `${label}${i}@${label}.example`, subject: `${words[i % words.length]} ${i}`, body });
  return { file: `${label}-${i}`, label, raw, input: await spamInputFromRaw(raw), parseMs: 0 };
}

describe('bench:spam --body-only view', () => {
  it('bodyOnlyRaw(): keeps Subject, text and HTML, and no header that carries information', async () => {
    const mp = multipart('alternative', [
      { contentType: 'text/plain; charset=utf-8', body: 'Grüße aus Köln, the invoice is attached.' },
      { contentType: 'text/html; charset=utf-8', body: '<p>Grüße aus <b>Köln</b></p>' },
    ]);
    const raw = rawMessage({
      from: 'Anna <anna@firm.example>',
      subject: 'Rechnung für März',
      headers: ['X-Mailer: Quillbox 7', 'Received: from mx.firm.example (10.0.0.1) by mx.test'],
      contentType: mp.contentType,
      body: mp.body,
    });
    const original = await spamInputFromRaw(raw);
    const view = await spamInputFromRaw(bodyOnlyRaw(original));
    expect(view.subject).toBe('Rechnung für März');
    expect(view.text.trim()).toBe(original.text.trim());
    expect(view.html.trim()).toBe(original.html.trim());
    expect(view.from).toBe('');
    expect([...view.headers.keys()].sort()).toEqual(['content-type', 'mime-version', 'subject']);
  });
});

describe('multinomial baseline', () => {
  it('MultinomialNb: words learned as spam push log-odds up, words learned as ham push them down', () => {
    const nb = new MultinomialNb();
    nb.learn(['cheap', 'pills', 'cheap'], 'spam');
    nb.learn(['meeting', 'agenda'], 'ham');
    expect(nb.logOdds(['cheap', 'pills'])).toBeGreaterThan(0);
    expect(nb.logOdds(['meeting'])).toBeLessThan(0);
    expect(nb.logOdds(['unseen'])).toBeCloseTo(0, 10);
    expect(nb.vocabulary).toBe(4);
  });
});

describe('bogofilter baseline', () => {
  it('runBogofilter(): trains and tests the real bogofilter on the same files, at both cutoffs, and removes its wordlist', async () => {
    const version = bogofilterVersion();
    if (!version) throw new Error('bogofilter is not installed: apt-get install bogofilter (scripts/setup.sh test)');
    const train = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => message('spam', i)),
      ...Array.from({ length: 20 }, (_, i) => message('ham', i)),
    ]);
    const test = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => message('spam', 100 + i)),
      ...Array.from({ length: 5 }, (_, i) => message('ham', 100 + i)),
    ]);
    const ours = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('intake-bench-bogofilter-'));
    const before = new Set(ours());
    const files = writeSplit(train, test);
    try {
      const r = runBogofilter(train, test, files, version);
      expect(r.atHalf.spam_recall_pct).toBe(100);
      expect(r.atHalf.fpr_pct).toBe(0);
      expect(r.atHalf.unsure_pct).toBe(0);
      expect(r.atDefault.fpr_pct).toBe(0);
      expect(r.classifySamples).toBe(10);
      expect(r.perMessageMs).toBeGreaterThan(0);
      expect(r.modelMb).toBeGreaterThan(0);
    } finally {
      files.remove();
    }
    expect(ours().filter((n) => !before.has(n))).toEqual([]);
  });
});
