import { describe, expect, it } from 'vitest';
import { tokenProbability } from '../../../src/spam/bayes.js';
import { hashFeature } from '../../../src/spam/feature-hash.js';
import type { StoredCounts } from '../../../src/spam/model-cache.js';
import { defaultSpamOptions } from '../../../src/spam/spam-options.js';
import { effective, knobsFor, scoreFeatures, spamThresholdFor, verdictOf } from '../../../src/spam/spam-verdict.js';

function lookupOf(table: Record<string, Partial<StoredCounts>>): (h: number) => StoredCounts | undefined {
  const map = new Map(Object.entries(table).map(([k, v]) => [hashFeature(k), { spam: 0, ham: 0, starterSpam: 0, starterHam: 0, ...v }]));
  return (h) => map.get(h);
}

const totals: StoredCounts = { spam: 100, ham: 100, starterSpam: 0, starterHam: 0 };
const options = defaultSpamOptions();

describe('scoreFeatures()', () => {
  it('scoreFeatures(): when no feature is known, is unsure at 0.5 with no evidence', () => {
    expect(scoreFeatures(['b:never'], lookupOf({}), totals, options)).toEqual({ verdict: 'unsure', score: 0.5, evidence: [] });
  });

  it('scoreFeatures(): when features are spam-only, says spam and explains with positive weights', () => {
    const v = scoreFeatures(
      ['b:viagra', 'url:pills.test', 'b:the'],
      lookupOf({ 'b:viagra': { spam: 40 }, 'url:pills.test': { spam: 30 }, 'b:the': { spam: 90, ham: 90 } }),
      totals,
      options,
    );
    expect(v.verdict).toBe('spam');
    expect(v.evidence.map((e) => e.token)).toEqual(['b:viagra', 'url:pills.test']);
    expect(v.evidence.every((e) => e.weight > 0)).toBe(true);
  });

  it('scoreFeatures(): when features are ham-only, says ham with negative weights', () => {
    const v = scoreFeatures(
      ['b:invoic', 'from:customer.test'],
      lookupOf({ 'b:invoic': { ham: 50 }, 'from:customer.test': { ham: 20 } }),
      totals,
      options,
    );
    expect(v.verdict).toBe('ham');
    expect(v.evidence.every((e) => e.weight < 0)).toBe(true);
  });

  it('scoreFeatures(): down-weights starter counts by starterWeight', () => {
    expect(effective({ spam: 1, ham: 2, starterSpam: 10, starterHam: 20 }, 0.5)).toEqual({ spam: 6, ham: 12 });
    const starterOnly = { spam: 0, ham: 0, starterSpam: 100, starterHam: 100 };
    const lookup = lookupOf({ 'b:x': { starterSpam: 3 } });
    const full = scoreFeatures(['b:x'], lookup, starterOnly, { ...options, starterWeight: 1 });
    const light = scoreFeatures(['b:x'], lookup, starterOnly, { ...options, starterWeight: 0.1 });
    expect(light.score).toBeLessThan(full.score);
  });
});

describe('scoreFeatures() top-discriminator selection', () => {
  // 30 features of five strengths, in an order that is not sorted by strength.
  const table: Record<string, Partial<StoredCounts>> = {};
  const features: string[] = [];
  for (let i = 0; i < 30; i++) {
    const name = `b:t${i}`;
    features.push(name);
    table[name] = i % 2 === 0 ? { spam: 1 + (i % 5) * 10, ham: 1 } : { spam: 1, ham: 1 + (i % 5) * 10 };
  }
  const lookup = lookupOf(table);

  it('scoreFeatures(): with fewer discriminators than clues, keeps the strongest (ties to the earlier feature), as a full sort would', () => {
    for (const maxDiscriminators of [1, 5, 7, 12, 29]) {
      const o = { ...options, maxDiscriminators, evidenceCount: 100, minProbStrength: 0 };
      const v = scoreFeatures(features, lookup, totals, o);
      const byStrength = features
        .map((f) => ({
          f,
          d: Math.abs(tokenProbability(effective(lookup(hashFeature(f))!, 0), effective(totals, 0), o.tokenStrength) - 0.5),
        }))
        .sort((a, b) => b.d - a.d)
        .slice(0, maxDiscriminators)
        .map((x) => x.f);
      expect(v.evidence.map((e) => e.token)).toEqual(byStrength);
    }
  });

  it('scoreFeatures(): with evidenceCount 0, explains nothing but still scores', () => {
    const v = scoreFeatures(features, lookup, totals, { ...options, evidenceCount: 0 });
    expect(v.evidence).toEqual([]);
    expect(v.score).toBeGreaterThan(0);
  });
});

describe('verdictOf()', () => {
  it('verdictOf(): splits the score at the two thresholds (ham below, spam at or above)', () => {
    const t = { hamThreshold: 0.2, spamThreshold: 0.9 };
    expect([0.19, 0.2, 0.89, 0.9].map((s) => verdictOf(s, t))).toEqual(['ham', 'unsure', 'unsure', 'spam']);
  });
});

describe('minTokenCount', () => {
  it('scoreFeatures(): a token seen in fewer messages than the floor is no evidence; at the floor it is', () => {
    const young: StoredCounts = { spam: 1, ham: 0, starterSpam: 1000, starterHam: 1000 };
    const once = lookupOf({ 'hdr:x-rare': { spam: 1 } });
    const twice = lookupOf({ 'hdr:x-rare': { spam: 2 } });
    expect(scoreFeatures(['hdr:x-rare'], once, young, options)).toMatchObject({ score: 0.5, evidence: [] });
    expect(scoreFeatures(['hdr:x-rare'], twice, young, options).score).toBeGreaterThan(0.9);
  });
});

describe('knobsFor()', () => {
  const o = {
    maturityMessages: 200,
    tokenStrength: 0.03,
    minProbStrength: 0.1,
    minTokenCount: 2,
    matureTokenStrength: 0.01,
    matureMinProbStrength: 0,
    matureMinTokenCount: 0,
  };
  it('knobsFor(): while the installation has learned too little of its own mail, keeps the cautious token knobs', () => {
    expect(knobsFor({ spam: 5, ham: 500, starterSpam: 1896, starterHam: 4150 }, o)).toEqual({
      tokenStrength: 0.03,
      minProbStrength: 0.1,
      minTokenCount: 2,
    });
  });
  it('knobsFor(): once mature, uses the mature token knobs', () => {
    expect(knobsFor({ spam: 200, ham: 200, starterSpam: 0, starterHam: 0 }, o)).toEqual({
      tokenStrength: 0.01,
      minProbStrength: 0,
      minTokenCount: 0,
    });
  });
});

describe('spamThresholdFor()', () => {
  const o = { spamThreshold: 0.9, starterSpamThreshold: 0.999, maturityMessages: 200 };
  it('spamThresholdFor(): until the installation has learned enough of both classes, uses the starter threshold', () => {
    expect(spamThresholdFor({ spam: 500, ham: 199, starterSpam: 1896, starterHam: 4150 }, o)).toBe(0.999);
  });
  it('spamThresholdFor(): once mature, uses the configured spam threshold', () => {
    expect(spamThresholdFor({ spam: 200, ham: 200, starterSpam: 0, starterHam: 0 }, o)).toBe(0.9);
  });
});
