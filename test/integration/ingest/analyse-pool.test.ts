// The worker-thread pool that parses and classifies: it must give exactly what the same code
// gives inline, and a worker that runs out of heap or time costs only its own message (a
// parse failure ingest turns into a headers-only ticket); the pool keeps serving afterwards.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/store/database.js';
import { SpamFilter } from '../../../src/spam/spam-filter.js';
import { defaultSpamOptions } from '../../../src/spam/spam-options.js';
import { FilterSpamCheck } from '../../../src/ingest/filter-spam-check.js';
import { inlineAnalyse } from '../../../src/ingest/analyse.js';
import { parseMessage } from '../../../src/ingest/parse/parse-mail.js';
import { AnalysePool } from '../../../src/ingest/worker/analyse-pool.js';
import { IntakeError } from '../../../src/errors/intake-error.js';
import { HOSTILE_CLASSES } from '../../helpers/hostile-mail.js';
import { listCorpusFiles, readCorpusMail } from '../../unit/parse/support/mail-corpus.js';
import { testLogger } from '../../helpers/test-log.js';
import { defaultMailHandling } from '../../../src/ingest/mail-options.js';
import { waitFor } from '../../helpers/test-daemon.js';

const LIMITS = { maxMessageBytes: 36_700_160, maxAttachmentBytes: 8 * 1024 };
const HTML = defaultMailHandling().html;

describe('AnalysePool', () => {
  let db: Db;
  let pool: AnalysePool | undefined;
  let filter: SpamFilter;

  const open = (options: { maxHeapMb?: number; timeoutMs?: number; idleMs?: number } = {}) => {
    const file = join(mkdtempSync(join(tmpdir(), 'intake-pool-')), 'intake.sqlite');
    db = openDatabase(file);
    // A model with something in it, learned on this thread: the workers must see it.
    filter = new SpamFilter(db, defaultSpamOptions());
    filter.learn(
      's1',
      {
        subject: 'cheap pills',
        text: 'buy cheap pills now',
        html: '',
        headers: new Map(),
        from: 'x@spam.example',
        replyTo: null,
        labelIds: [],
        attachmentTypes: [],
      },
      'spam',
    );
    pool = new AnalysePool(
      { limits: LIMITS, spam: { dbFile: file, options: defaultSpamOptions() }, html: HTML },
      { threads: 2, maxHeapMb: options.maxHeapMb ?? 96, timeoutMs: options.timeoutMs ?? 60_000, idleMs: options.idleMs ?? 60_000 },
      testLogger('analyse-pool'),
    );
    return inlineAnalyse(LIMITS, new FilterSpamCheck(filter), HTML);
  };

  afterEach(async () => {
    await pool?.close();
    db.close();
  });

  it('analyse(): on every corpus message, gives exactly the inline analysis (message and verdict)', async () => {
    const inline = open();
    for (const file of listCorpusFiles()) {
      const raw = readCorpusMail(file);
      const [fromPool, fromInline] = await Promise.all([pool!.analyse(raw, ['INBOX']), inline(raw, ['INBOX'])]);
      expect(fromPool, file).toEqual(fromInline);
    }
  }, 120_000);

  it('modelChanged(): after the model changes on this thread, the next verdict of every worker is by the new model', async () => {
    const inline = open();
    filter.onChange(() => pool!.modelChanged());
    await pool!.ready();
    const raw = readCorpusMail(listCorpusFiles()[0]!);
    const before = await pool!.analyse(raw, ['INBOX']);
    const { spamInput } = await parseMessage(raw, LIMITS, ['INBOX']);
    for (let i = 0; i < 5; i++) filter.learn(`marked-${i}`, spamInput!, 'spam');
    const [after, expected] = await Promise.all([pool!.analyse(raw, ['INBOX']), inline(raw, ['INBOX'])]);
    expect(after.judgement).toEqual(expected.judgement);
    expect(after.judgement!.score).toBeGreaterThan(before.judgement!.score);
  });

  it('analyse(): when a worker runs out of heap, rejects that message with INTAKE_ERR_PARSE_FAILED and keeps serving', async () => {
    open({ maxHeapMb: 16 });
    const hostile = HOSTILE_CLASSES.find((c) => c.name === '5 MB of HTML entities')!.build()[0]!;
    const failure = await pool!.analyse(hostile, []).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(IntakeError);
    expect((failure as IntakeError).code).toBe('INTAKE_ERR_PARSE_FAILED');
    const after = await pool!.analyse(readCorpusMail(listCorpusFiles()[0]!), []);
    expect(after.message.sizeBytes).toBeGreaterThan(0);
  }, 120_000);

  it('analyse(): the messages in flight beside one that runs its worker out of heap are all analysed, exactly as inline', async () => {
    const inline = open({ maxHeapMb: 16 });
    await pool!.ready();
    const hostile = HOSTILE_CLASSES.find((c) => c.name === '5 MB of HTML entities')!.build()[0]!;
    const [a, b, c] = listCorpusFiles()
      .slice(0, 3)
      .map((file) => readCorpusMail(file));
    // Two workers, each holding up to two small messages: the ones that waited for or sat beside `hostile` are handed on.
    const results = await Promise.allSettled([
      pool!.analyse(hostile, []),
      pool!.analyse(a!, []),
      pool!.analyse(b!, []),
      pool!.analyse(c!, []),
    ]);
    const [failed, ...rest] = results;
    expect(failed?.status === 'rejected' && (failed.reason as IntakeError).code).toBe('INTAKE_ERR_PARSE_FAILED');
    const analysed = rest.map((r): unknown => (r.status === 'fulfilled' ? r.value : r.reason));
    expect(analysed).toEqual([await inline(a!, []), await inline(b!, []), await inline(c!, [])]);
  }, 120_000);

  it('analyse(): when parsing overruns parseTimeoutMs, rejects that message with INTAKE_ERR_PARSE_FAILED', async () => {
    open({ timeoutMs: 20 });
    await pool!.ready();
    // About a second of CPU even on a warm worker: far past 20 ms.
    const slow = HOSTILE_CLASSES.find((c) => c.name === '100k headers')!.build()[0]!;
    const failure = await pool!.analyse(slow, []).catch((err: unknown) => err);
    expect((failure as IntakeError).code).toBe('INTAKE_ERR_PARSE_FAILED');
    expect((failure as IntakeError).message).toContain('parseTimeoutMs');
  }, 120_000);

  it('analyse(): starts no worker until a message comes, and only as many as messages wait for', async () => {
    const inline = open();
    expect(pool!.liveThreads).toBe(0);
    const raw = readCorpusMail(listCorpusFiles()[0]!);
    const analysis = await pool!.analyse(raw, []);
    expect(analysis).toEqual(await inline(raw, []));
    expect(pool!.liveThreads).toBe(1);
    await Promise.all([pool!.analyse(raw, []), pool!.analyse(raw, []), pool!.analyse(raw, [])]);
    expect(pool!.liveThreads).toBe(2);
  }, 120_000);

  it('analyse(): when workers have been idle for idleMs, stops them; the next message starts one again', async () => {
    open({ idleMs: 200 });
    // Not ready(): on a loaded machine one worker may idle out before the other has loaded.
    await pool!.analyse(readCorpusMail(listCorpusFiles()[0]!), []);
    expect(pool!.liveThreads).toBe(1);
    await waitFor(
      () => pool!.liveThreads,
      (n) => n === 0,
    );
    const again = await pool!.analyse(readCorpusMail(listCorpusFiles()[0]!), []);
    expect(again.message.sizeBytes).toBeGreaterThan(0);
    expect(pool!.liveThreads).toBe(1);
  }, 120_000);

  it('close(): when a message is being parsed, rejects it as retryable so its job runs again', async () => {
    open();
    await pool!.ready();
    const slow = HOSTILE_CLASSES.find((c) => c.name === '100k headers')!.build()[0]!;
    const pending = pool!.analyse(slow, []).catch((err: unknown) => err);
    await pool!.close();
    const failure = (await pending) as IntakeError;
    expect(failure.code).toBe('INTAKE_ERR_SHUTTING_DOWN');
    expect(failure.retryable).toBe(true);
  }, 120_000);
});
