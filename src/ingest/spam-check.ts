// What ingest needs from a spam filter: a verdict on a message's raw bytes. The filter
// reads raw mail the same way when it trains, so ingest and training never disagree on
// what a message's features are. This seam also lets the filter be switched off.

export interface SpamJudgement {
  verdict: 'ham' | 'unsure' | 'spam';
  score: number;
  evidence: { token: string; weight: number }[];
}

export interface SpamCheck {
  judge(raw: Buffer, labelIds: readonly string[]): Promise<SpamJudgement>;
}
