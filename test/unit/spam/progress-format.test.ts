import { describe, expect, it } from 'vitest';
import { formatProgress } from '../../../src/spam/progress-format.js';

describe('formatProgress()', () => {
  it('formatProgress(): when the total is known, draws a bar with the share done', () => {
    expect(formatProgress({ label: 'spam', done: 50, total: 100, elapsedMs: 1000 })).toBe(
      'spam   [############............]  50/100  50%  50 msg/s',
    );
  });

  it('formatProgress(): when the total is unknown (mbox), shows the count only', () => {
    expect(formatProgress({ label: 'ham', done: 3, total: null, elapsedMs: 0 })).toBe('ham    3 messages  0 msg/s');
  });
});
