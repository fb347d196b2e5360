import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/database.js';
import { hashFeature } from '../../../src/spam/feature-hash.js';
import { extractFeatures } from '../../../src/spam/features.js';
import { SpamFilter } from '../../../src/spam/spam-filter.js';
import { defaultSpamOptions } from '../../../src/spam/spam-options.js';
import type { SpamInput } from '../../../src/spam/spam-input.js';
import { tempDb } from './spam-db.js';
import type { TempDb } from './spam-db.js';

function input(text: string, subject = ''): SpamInput {
  return { subject, text, html: '', headers: new Map(), from: 'x@example.com', replyTo: null, labelIds: [], attachmentTypes: [] };
}

function countsOf(t: TempDb, feature: string): { spam: number; ham: number } | undefined {
  return t.db
    .prepare<[number], { spam: number; ham: number }>('SELECT spam, ham FROM spam_tokens WHERE hash = ?')
    .get(hashFeature(feature));
}

describe('SpamFilter learn / unlearn arithmetic', () => {
  let t: TempDb;
  let filter: SpamFilter;
  beforeEach(() => {
    t = tempDb();
    filter = new SpamFilter(t.db, defaultSpamOptions());
  });
  afterEach(() => t.close());

  it('learn(): counts each feature once per message and remembers the label', () => {
    filter.learn('msg:1:a', input('cheap cheap pills'), 'spam');
    expect(countsOf(t, 'b:cheap')).toEqual({ spam: 1, ham: 0 });
    expect(filter.trainedAs('msg:1:a')).toBe('spam');
    expect(filter.stats()).toMatchObject({ spam: 1, ham: 0, trainedMessages: 1 });
  });

  it('learn(): when the same message is learned again with the same label, changes nothing', () => {
    filter.learn('msg:1:a', input('cheap pills'), 'spam');
    const generation = filter.stats().generation;
    filter.learn('msg:1:a', input('cheap pills'), 'spam');
    expect(countsOf(t, 'b:cheap')).toEqual({ spam: 1, ham: 0 });
    expect(filter.stats()).toMatchObject({ spam: 1, generation });
  });

  it('learn(): when a label is corrected, moves the counts instead of doubling them', () => {
    filter.learn('msg:1:a', input('meeting agenda'), 'spam');
    filter.learn('msg:1:a', input('meeting agenda'), 'ham');
    expect(countsOf(t, 'b:meet')).toEqual({ spam: 0, ham: 1 });
    expect(filter.stats()).toMatchObject({ spam: 0, ham: 1, trainedMessages: 1 });
    expect(filter.trainedAs('msg:1:a')).toBe('ham');
  });

  it('unlearn(): removes exactly what learn() added, deleting emptied rows', () => {
    filter.learn('msg:1:a', input('shared words here'), 'ham');
    filter.learn('msg:1:b', input('shared other'), 'spam');
    filter.unlearn('msg:1:a');
    expect(countsOf(t, 'b:share')).toEqual({ spam: 1, ham: 0 });
    expect(countsOf(t, 'b:word')).toBeUndefined();
    expect(filter.trainedAs('msg:1:a')).toBeNull();
    expect(filter.stats()).toMatchObject({ spam: 1, ham: 0, trainedMessages: 1 });
    filter.unlearn('msg:1:a'); // unknown key: no-op
    expect(filter.stats()).toMatchObject({ spam: 1, ham: 0 });
  });

  it('classify(): moves from unsure to a verdict as the model learns, and explains it', () => {
    expect(filter.classify(input('win a free cruise now')).verdict).toBe('unsure');
    for (let i = 0; i < 10; i++) {
      filter.learn(`s${i}`, input(`win a free cruise now offer ${i}`), 'spam');
      filter.learn(`h${i}`, input(`the quarterly report meeting is moved ${i}`), 'ham');
    }
    const spam = filter.classify(input('free cruise, win now'));
    expect(spam.verdict).toBe('spam');
    expect(spam.evidence[0]?.weight).toBeGreaterThan(0);
    expect(filter.classify(input('report for the meeting')).verdict).toBe('ham');
  });

  it('the model survives a restart and another connection sees changes made by this one', () => {
    filter.learn('a', input('alpha beta'), 'spam');
    filter.learn('b', input('gamma delta'), 'ham');
    const other = openDatabase(t.file);
    try {
      const second = new SpamFilter(other, defaultSpamOptions());
      const before = second.classifyFeatures(['b:alpha']).score;
      filter.learn('c', input('alpha beta'), 'spam');
      filter.unlearn('b');
      filter.learn('d', input('gamma'), 'ham');
      const fresh = new SpamFilter(t.db, defaultSpamOptions()).classifyFeatures(['b:alpha']).score;
      expect(second.classifyFeatures(['b:alpha']).score).toBe(fresh);
      expect(fresh).not.toBe(before);
    } finally {
      other.close();
    }
  });

  it('a reader with recheckMs keeps its copy until told the stored model is stale, then reads it again', () => {
    filter.learn('a', input('alpha beta'), 'spam');
    filter.learn('b', input('gamma delta'), 'ham');
    const changes: number[] = [];
    filter.onChange(() => changes.push(filter.stats().generation));
    const other = openDatabase(t.file);
    try {
      const reader = new SpamFilter(other, defaultSpamOptions(), { recheckMs: 60_000 });
      const before = reader.classifyFeatures(['b:alpha']).score;
      filter.learn('c', input('alpha beta'), 'spam');
      filter.unlearn('b');
      expect(changes).toHaveLength(2);
      // Not due yet and not told: the copy it holds.
      expect(reader.classifyFeatures(['b:alpha']).score).toBe(before);
      reader.stale();
      const fresh = new SpamFilter(t.db, defaultSpamOptions()).classifyFeatures(['b:alpha']).score;
      expect(fresh).not.toBe(before);
      expect(reader.classifyFeatures(['b:alpha']).score).toBe(fresh);
    } finally {
      other.close();
    }
  });

  it('learn() inside a caller transaction that rolls back leaves no trace, in SQLite or in memory', () => {
    filter.learn('a', input('alpha'), 'ham');
    filter.learn('b', input('beta'), 'spam');
    const before = filter.classifyFeatures(['b:alpha', 'b:beta']);
    expect(() =>
      t.db.transaction(() => {
        filter.learn('c', input('alpha'), 'spam');
        throw new Error('caller failed');
      })(),
    ).toThrow('caller failed');
    expect(filter.trainedAs('c')).toBeNull();
    expect(filter.classifyFeatures(['b:alpha', 'b:beta'])).toEqual(before);
  });

  it('addStarterCounts() and reset(): starter counts are weighted, and can be dropped alone or with everything', () => {
    filter.addStarterCounts(
      new Map([
        [hashFeature('b:lotto'), [50, 0] as const],
        [hashFeature('b:hello'), [0, 50] as const],
      ]),
      { spam: 50, ham: 50 },
    );
    filter.learn('local', input('lotto'), 'ham');
    expect(filter.stats()).toMatchObject({ starterSpam: 50, starterHam: 50, ham: 1 });
    filter.reset('starter');
    expect(filter.stats()).toMatchObject({ starterSpam: 0, starterHam: 0, ham: 1, features: extractFeatures(input('lotto')).length });
    filter.reset();
    expect(filter.stats()).toMatchObject({ spam: 0, ham: 0, features: 0, trainedMessages: 0 });
    expect(filter.classifyFeatures(['b:lotto']).score).toBe(0.5);
  });

  it('classify(): when the filter is disabled, every message is ham', () => {
    const off = new SpamFilter(t.db, defaultSpamOptions({ enabled: false }));
    expect(off.classify(input('anything'))).toEqual({ verdict: 'ham', score: 0, evidence: [] });
  });
});
