import { describe, expect, it } from 'vitest';
import { spamConfigSchema } from '../../../src/spam/spam-options.js';

describe('spamConfigSchema', () => {
  it('spamConfigSchema: when empty, fills every default', () => {
    expect(spamConfigSchema.parse({})).toMatchObject({
      enabled: true,
      hamThreshold: 0.5,
      spamThreshold: 0.66,
      starterModel: true,
      rule: 'fisher',
    });
    expect(spamConfigSchema.parse({})).toMatchObject({
      tokenStrength: 0.03,
      minProbStrength: 0.1,
      matureTokenStrength: 0.03,
      matureMinProbStrength: 0,
      maxDiscriminators: 400,
    });
  });

  it('spamConfigSchema: when hamThreshold exceeds spamThreshold, rejects with the key named', () => {
    const r = spamConfigSchema.safeParse({ hamThreshold: 0.95, spamThreshold: 0.9 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['hamThreshold']);
  });
});
