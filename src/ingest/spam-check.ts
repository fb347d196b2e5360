// What ingest needs from a spam filter: a verdict on the message's SpamInput, built from the
// same parse as the ticket (parse/parse-mail.ts), read as the trainer reads raw mail. This
// seam also lets the filter be switched off.
import type { SpamInput } from '../spam/spam-input.js';

export interface SpamJudgement {
  verdict: 'ham' | 'unsure' | 'spam';
  score: number;
  evidence: { token: string; weight: number }[];
}

export interface SpamCheck {
  judge(input: SpamInput): SpamJudgement;
}

/** A message not read whole (over the size cap, MIME unreadable) is not judged on its headers alone: a human looks. */
export const UNREAD_JUDGEMENT: Readonly<SpamJudgement> = Object.freeze({ verdict: 'unsure', score: 0.5, evidence: [] });
