// The SpamCheck backed by Intake's own naive-Bayes filter.
import { spamInputFromRaw } from '../spam/spam-input.js';
import type { SpamFilter } from '../spam/spam-filter.js';
import type { SpamCheck, SpamJudgement } from './spam-check.js';

export function spamDocKey(mailboxId: number, providerMessageId: string): string {
  return `msg:${mailboxId}:${providerMessageId}`;
}

export class FilterSpamCheck implements SpamCheck {
  private readonly filter: SpamFilter;
  private readonly maxMessageBytes: number;

  constructor(filter: SpamFilter, maxMessageBytes: number) {
    this.filter = filter;
    this.maxMessageBytes = maxMessageBytes;
  }

  async judge(raw: Buffer, labelIds: readonly string[]): Promise<SpamJudgement> {
    // A message too large to read whole is not judged on its headers alone: a human looks.
    if (raw.length > this.maxMessageBytes) return { verdict: 'unsure', score: 0.5, evidence: [] };
    const verdict = this.filter.classify(await spamInputFromRaw(raw, { labelIds }));
    return {
      verdict: verdict.verdict,
      score: verdict.score,
      evidence: verdict.evidence.map((e) => ({ token: e.token, weight: e.weight })),
    };
  }
}
