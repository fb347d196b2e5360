// After fetch, a message always lands somewhere: a ticket (whole, or from what could be read,
// with the problem recorded), a quarantine entry, or, when nothing could be stored, a poison
// entry with its raw bytes and the error. Only a failure of the store itself (busy, disk full,
// shutting down) is left to the queue to retry, since it is no fault of the message.
import { IntakeError, isIntakeError } from '../errors/intake-error.js';
import type { FetchedMessage } from '../sources/mail-source.js';
import type { Analysis } from './analyse.js';
import type { IngestJobData } from './ingest-job.js';
import type { IngestResult } from './ingest-result.js';
import type { Analyse } from './analyse.js';
import type { PoisonRepo } from '../store/poison-repo.js';
import type { Logger } from '../log/logger.js';
import { headersOnly } from './parse/parse-mail.js';
import type { ParsedMessage } from './parse/parsed-message.js';
import { UNREAD_JUDGEMENT } from './spam-check.js';

export type Commit = (analysis: Analysis) => IngestResult;

export interface LandDeps {
  analyse: Analyse;
  poison: PoisonRepo;
  log: Logger;
}

/** SQLite failures of the store, not of the message: retrying later can succeed. */
const TRANSIENT_SQLITE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|NOMEM|INTERRUPT|PROTOCOL|AUTH)/;
const MAX_ERROR_MESSAGE = 300;

export async function landMessage(
  deps: LandDeps,
  mailboxId: number,
  job: IngestJobData,
  fetched: FetchedMessage,
  commit: Commit,
): Promise<IngestResult> {
  const analysis = await analyseOrFallback(deps, mailboxId, fetched);
  if (analysis === null) {
    return poison(
      deps,
      mailboxId,
      job,
      fetched,
      new IntakeError('INTAKE_ERR_MESSAGE_UNREADABLE', 'not even the header block could be read'),
    );
  }
  try {
    return commit(analysis);
  } catch (err) {
    if (isTransient(err)) throw err;
    deps.log.warn({ mailboxId, ...errorFields(err) }, 'ticket could not be stored whole; storing what its headers say');
  }
  try {
    return commit(minimal(analysis));
  } catch (err) {
    if (isTransient(err)) throw err;
    return poison(deps, mailboxId, job, fetched, err);
  }
}

/** The pool's verdict, or, when parsing failed outright (crash, out of memory, time limit), the headers. */
async function analyseOrFallback(deps: LandDeps, mailboxId: number, fetched: FetchedMessage): Promise<Analysis | null> {
  try {
    return await deps.analyse(fetched.raw, fetched.labelIds);
  } catch (err) {
    if (isTransient(err)) throw err;
    const fields = errorFields(err);
    deps.log.warn({ mailboxId, ...fields }, 'message could not be parsed; keeping its headers');
    try {
      const message = headersOnly(fetched.raw, `message could not be parsed (${fields.code}); headers only`);
      return { message, judgement: { ...UNREAD_JUDGEMENT, evidence: [] } };
    } catch {
      return null;
    }
  }
}

/** What is left when the full ticket would not store: headers, bounded, no body or attachments. */
function minimal(analysis: Analysis): Analysis {
  const m = analysis.message;
  const message: ParsedMessage = {
    ...m,
    subject: m.subject.slice(0, 998),
    references: m.references.slice(-100),
    to: m.to.slice(0, 100),
    cc: m.cc.slice(0, 100),
    text: '',
    html: null,
    attachments: [],
    problems: [...m.problems.slice(0, 50), 'ticket could not be stored whole; body and attachments not kept'],
  };
  return { message, judgement: analysis.judgement };
}

function poison(deps: LandDeps, mailboxId: number, job: IngestJobData, fetched: FetchedMessage, err: unknown): IngestResult {
  const { code, message } = errorFields(err);
  deps.poison.add({
    mailboxId,
    providerMessageId: job.providerMessageId,
    providerThreadId: fetched.threadId,
    labelIds: fetched.labelIds,
    internalDate: fetched.internalDate,
    raw: fetched.raw,
    errorCode: code,
    errorMessage: message,
  });
  deps.log.error({ mailboxId, code, message }, 'message kept as a poison entry; list with `intake jobs failed`');
  return { outcome: 'poisoned' };
}

export function isTransient(err: unknown): boolean {
  if (isIntakeError(err)) return err.retryable;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT_SQLITE.test(code)) return true;
  // better-sqlite3 once the database is closed under us (shutdown).
  return err instanceof TypeError && /database connection is not open/.test(err.message);
}

/** An error's code and message for logs and the poison table: bounded, printable, no mail content. */
export function errorFields(err: unknown): { code: string; message: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  const raw = (e as { code?: unknown }).code;
  const code = isIntakeError(e) ? e.code : typeof raw === 'string' ? raw : e.name;
  // eslint-disable-next-line no-control-regex -- control characters never reach a log line
  const message = e.message.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, MAX_ERROR_MESSAGE);
  return { code, message };
}
