// The SpamCheck backed by Intake's own naive-Bayes filter.
import type { SpamFilter } from '../spam/spam-filter.js';
import type { SpamInput } from '../spam/spam-input.js';
import type { SpamCheck, SpamJudgement } from './spam-check.js';

export function spamDocKey(mailboxId: number, providerMessageId: string): string {
  return `msg:${mailboxId}:${providerMessageId}`;
}

export class FilterSpamCheck implements SpamCheck {
  private readonly filter: SpamFilter;

  constructor(filter: SpamFilter) {
    this.filter = filter;
  }

  judge(input: SpamInput): SpamJudgement {
    const verdict = this.filter.classify(input);
    return {
      verdict: verdict.verdict,
      score: verdict.score,
      evidence: verdict.evidence.map((e) => ({ token: e.token, weight: e.weight })),
    };
  }
}
