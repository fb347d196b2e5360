// The CPU-bound half of ingest for one message: one parse, then the spam verdict on what that
// parse read. Runs in a worker thread (worker/analyse-pool.ts) or, with ingest.workerThreads=0,
// inline; both call this same function, so they cannot disagree.
import { parseMessage, type ParseLimits } from './parse/parse-mail.js';
import type { ParsedMessage } from './parse/parsed-message.js';
import { UNREAD_JUDGEMENT, type SpamCheck, type SpamJudgement } from './spam-check.js';

export interface Analysis {
  message: ParsedMessage;
  /** null when no filter is configured. */
  judgement: SpamJudgement | null;
}

/** Parse + classify one raw message; rejects only on a bug (the caller still lands the message). */
export type Analyse = (raw: Buffer, labelIds: readonly string[]) => Promise<Analysis>;

export async function analyseMessage(
  raw: Buffer,
  labelIds: readonly string[],
  limits: ParseLimits,
  spam: SpamCheck | null,
): Promise<Analysis> {
  const { message, spamInput } = await parseMessage(raw, limits, labelIds);
  if (!spam) return { message, judgement: null };
  return { message, judgement: spamInput ? spam.judge(spamInput) : { ...UNREAD_JUDGEMENT, evidence: [] } };
}

export function inlineAnalyse(limits: ParseLimits, spam: SpamCheck | null): Analyse {
  return (raw, labelIds) => analyseMessage(raw, labelIds, limits, spam);
}
