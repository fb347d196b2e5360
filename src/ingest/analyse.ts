// The CPU-bound half of ingest for one message: one parse, then the spam verdict on what that
// parse read. Runs in a worker thread (worker/analyse-pool.ts) or, with ingest.workerThreads=0,
// inline; both call this same function, so they cannot disagree.
import { parseMessage, type ParseLimits } from './parse/parse-mail.js';
import type { ParsedMessage } from './parse/parsed-message.js';
import { UNREAD_JUDGEMENT, type SpamCheck, type SpamJudgement } from './spam-check.js';
import { agentBody, capBodies, type AgentBody } from './body/agent-body.js';
import type { HtmlOptions } from './mail-options.js';
import { forIngestThread } from './for-ingest-thread.js';

export interface Analysis {
  message: ParsedMessage;
  /** null when no filter is configured. */
  judgement: SpamJudgement | null;
  /**
   * What agents get (quote split, sanitised HTML); absent when the analyser had no HTML options.
   * With it, `message` keeps no text or HTML of its own and only the guard's headers (for-ingest-thread.ts).
   */
  body?: AgentBody;
}

/** Parse + classify one raw message; rejects only on a bug (the caller still lands the message). */
export type Analyse = (raw: Buffer, labelIds: readonly string[]) => Promise<Analysis>;

export async function analyseMessage(
  raw: Buffer,
  labelIds: readonly string[],
  limits: ParseLimits,
  spam: SpamCheck | null,
  html: HtmlOptions | null = null,
): Promise<Analysis> {
  const parsed = await parseMessage(raw, limits, labelIds);
  // The filter reads the whole message; the ticket (and what crosses to the ingest thread) is capped.
  const judgement = !spam ? null : parsed.spamInput ? spam.judge(parsed.spamInput) : { ...UNREAD_JUDGEMENT, evidence: [] };
  const message = capBodies(parsed.message);
  return html ? forIngestThread({ message, judgement, body: agentBody(message, html) }) : { message, judgement };
}

export function inlineAnalyse(limits: ParseLimits, spam: SpamCheck | null, html: HtmlOptions | null = null): Analyse {
  return (raw, labelIds) => analyseMessage(raw, labelIds, limits, spam, html);
}
