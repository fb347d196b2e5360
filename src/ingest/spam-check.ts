// What ingest needs from a spam filter: a verdict on a parsed message. The filter itself
// lives in spam/; this seam keeps ingest testable and lets the filter be switched off.
import type { ParsedMessage } from './parse/parsed-message.js';

export interface SpamJudgement {
  verdict: 'ham' | 'unsure' | 'spam';
  score: number;
  evidence: { token: string; weight: number }[];
}

export interface SpamCheck {
  judge(message: ParsedMessage, labelIds: readonly string[]): SpamJudgement;
}
