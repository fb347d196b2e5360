// Chooses where parse + classify run: a pool of worker threads (ingest.workerThreads, "auto" by default) that read
// the spam model from the SQLite file (opened read-only), or, with 0 threads,
// this thread.
import type { Core } from './core.js';
import { inlineAnalyse, type Analyse } from '../ingest/analyse.js';
import { FilterSpamCheck } from '../ingest/filter-spam-check.js';
import { AnalysePool } from '../ingest/worker/analyse-pool.js';
import { analyseThreads } from '../config/worker-threads.js';

export function buildAnalyse(core: Core): Analyse {
  const { ingest, database, spam, html } = core.config;
  const limits = { maxMessageBytes: ingest.maxMessageBytes, maxAttachmentBytes: ingest.maxAttachmentBytes };
  const threads = analyseThreads(ingest.workerThreads);
  if (threads === 0) return inlineAnalyse(limits, new FilterSpamCheck(core.spam), html);
  const pool = new AnalysePool(
    { limits, spam: { dbFile: database.file, options: { ...spam } }, html: { ...html } },
    {
      threads,
      maxHeapMb: ingest.workerMaxHeapMb,
      timeoutMs: ingest.parseTimeoutMs,
      idleMs: ingest.workerIdleSeconds * 1000,
    },
    core.log.child({ module: 'analyse' }),
  );
  // Agents' marks, erasure and `intake spam reset` change the model here; the workers must judge by it at once.
  core.spam.onChange(() => pool.modelChanged());
  core.steps.add('analyse workers', () => pool.close());
  return pool.analyse;
}
