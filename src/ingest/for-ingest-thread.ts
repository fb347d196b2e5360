// What an analysis keeps for the ingest thread. Once the agent body is made (text apart from the
// quote, sanitised HTML), the ingest thread never reads the message's own text and HTML again,
// and of its headers only those the machine-mail guard names: the rest was structured-cloned
// twice (out of the analyse worker, into the ingest thread) for every message, the full header
// map being most of that (3% of each thread's CPU per message in bench:ingest).
import type { ParsedMessage } from './parse/parsed-message.js';
import { GUARD_HEADERS } from './guard/machine-mail.js';

export function forIngestThread<A extends { message: ParsedMessage; body?: unknown }>(analysis: A): A {
  if (!analysis.body) return analysis;
  const all = analysis.message.headers;
  const headers = new Map<string, string[]>();
  for (const name of GUARD_HEADERS) {
    const values = all.get(name);
    if (values) headers.set(name, values);
  }
  return { ...analysis, message: { ...analysis.message, text: '', html: null, headers } };
}
