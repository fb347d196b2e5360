// The backfill preview: how many messages a choice would import (listing ids only, a few
// quota units a page) and, of a sample of the newest, how many look like tickets, spam,
// machine mail or replies. Reads Gmail; writes nothing, so an admin can look before choosing.
import type { GmailApi } from '../google/gmail-api.js';
import { listQuery, type FetchScope } from '../sources/gmail-scope.js';
import type { Analyse } from '../ingest/analyse.js';
import { isIntakeError } from '../errors/intake-error.js';
import { backfillWindow, formatBackfillChoice, type BackfillChoice } from './backfill-choice.js';
import { previewKind, type PreviewKind } from './preview-kind.js';

export interface BackfillPreview {
  backfill: string;
  /** Messages the choice would import (a lower bound when `exact` is false). */
  count: number;
  exact: boolean;
  sampled: number;
  sample: Record<PreviewKind, number>;
}

export interface PreviewDeps {
  api: Pick<GmailApi, 'listMessages' | 'getRaw'>;
  scope: FetchScope;
  /** Parse + spam verdict, the same as ingest's (worker threads unless ingest.workerThreads is 0). */
  analyse: Analyse;
  sampleSize: number;
  /** Stops counting after this many pages of 500 (an estimate past it). */
  maxPages: number;
}

export async function previewBackfill(deps: PreviewDeps, choice: BackfillChoice, now = Date.now()): Promise<BackfillPreview> {
  const window = backfillWindow(choice, now);
  const empty = { backfill: formatBackfillChoice(choice), count: 0, exact: true, sampled: 0 };
  const sample: Record<PreviewKind, number> = { ticket: 0, spam: 0, machine: 0, reply: 0 };
  if (window === 'none') return { ...empty, sample };
  const q = listQuery(deps.scope, window.afterMs);
  const ids: string[] = [];
  let count = 0;
  let token: string | null = null;
  let pages = 0;
  do {
    const page = await deps.api.listMessages(token, 500, q);
    count += page.refs.length;
    for (const r of page.refs) if (ids.length < deps.sampleSize) ids.push(r.id);
    token = page.nextPageToken;
    if (++pages >= deps.maxPages && token) {
      count = Math.max(count, page.estimate);
      break;
    }
  } while (token);
  let sampled = 0;
  for (const id of ids) {
    const kind = await sampleOne(deps, id);
    if (kind === null) continue;
    sample[kind]++;
    sampled++;
  }
  return { ...empty, count, exact: token === null, sampled, sample };
}

async function sampleOne(deps: PreviewDeps, id: string): Promise<PreviewKind | null> {
  try {
    const fetched = await deps.api.getRaw(id);
    const { message, judgement } = await deps.analyse(fetched.raw, fetched.labelIds);
    return previewKind(message, judgement?.verdict ?? null);
  } catch (err) {
    if (isIntakeError(err) && err.code === 'INTAKE_ERR_MESSAGE_GONE') return null; // deleted meanwhile
    throw err;
  }
}
