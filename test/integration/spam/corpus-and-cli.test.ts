import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSpamCommand } from '../../../src/cli/spam-command.js';
import { readCorpus } from '../../../src/spam/corpus-reader.js';
import { defaultSpamOptions } from '../../../src/spam/spam-options.js';
import { rawMessage } from './raw-mail.js';
import { tempDb } from './spam-db.js';
import type { TempDb } from './spam-db.js';

let t: TempDb;
beforeEach(() => {
  t = tempDb();
});
afterEach(() => t.close());

async function collect(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const m of readCorpus(path)) out.push(m.raw.toString('latin1'));
  return out;
}

function stream(): { s: NodeJS.WriteStream; text: () => string } {
  const chunks: Buffer[] = [];
  const s = new PassThrough();
  s.on('data', (c: Buffer) => chunks.push(c));
  return { s: Object.assign(s, { isTTY: false }) as unknown as NodeJS.WriteStream, text: () => Buffer.concat(chunks).toString() };
}

describe('readCorpus()', () => {
  it('readCorpus(): splits an mbox at "From " lines and unquotes ">From "', async () => {
    const mbox = join(t.dir, 'box.mbox');
    writeFileSync(
      mbox,
      'From a@x Mon Jan 1 00:00:00 2024\nSubject: one\n\nhi\n>From the start\n\nFrom b@x Mon Jan 1 00:00:00 2024\nSubject: two\n\nbye\n',
    );
    const messages = await collect(mbox);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toBe('Subject: one\n\nhi\nFrom the start\n');
    expect(messages[1]).toBe('Subject: two\n\nbye\n');
  });

  it('readCorpus(): reads cur/ and new/ of a Maildir and skips tmp/ and dotfiles', async () => {
    for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(t.dir, 'md', d), { recursive: true });
    writeFileSync(join(t.dir, 'md', 'cur', '1:2,S'), 'Subject: a\n\nx');
    writeFileSync(join(t.dir, 'md', 'new', '2'), 'Subject: b\n\ny');
    writeFileSync(join(t.dir, 'md', 'new', '.hidden'), 'no');
    writeFileSync(join(t.dir, 'md', 'tmp', '3'), 'Subject: partial');
    expect(await collect(join(t.dir, 'md'))).toEqual(['Subject: a\n\nx', 'Subject: b\n\ny']);
  });

  it('readCorpus(): reads a folder of .eml files recursively', async () => {
    mkdirSync(join(t.dir, 'f', 'sub'), { recursive: true });
    writeFileSync(join(t.dir, 'f', 'a.eml'), 'Subject: a\n\n');
    writeFileSync(join(t.dir, 'f', 'sub', 'b.eml'), 'Subject: b\n\n');
    expect(await collect(join(t.dir, 'f'))).toHaveLength(2);
  });
});

describe('runSpamCommand()', () => {
  function writeFolder(name: string, subjects: string[]): string {
    const dir = join(t.dir, name);
    mkdirSync(dir, { recursive: true });
    subjects.forEach((s, i) => writeFileSync(join(dir, `${i}.eml`), rawMessage({ subject: s, body: `${s} body text` })));
    return dir;
  }

  it('train: learns folders, is idempotent when run twice, and prints stats', async () => {
    const spam = writeFolder('spam', ['cheap pills', 'win money']);
    const ham = writeFolder('ham', ['order 1234 question', 'invoice march']);
    const out = stream();
    const err = stream();
    const ctx = { db: t.db, options: defaultSpamOptions(), out: out.s, err: err.s };
    expect(await runSpamCommand(['train', '--spam', spam, '--ham', ham], ctx)).toBe(0);
    expect(out.text()).toContain('spam: ' + spam + ': learned 2, already known 0, unreadable 0');
    expect(await runSpamCommand(['train', '--spam', spam], ctx)).toBe(0);
    expect(out.text()).toContain('learned 0, already known 2');
    expect(await runSpamCommand(['stats'], ctx)).toBe(0);
    expect(out.text()).toMatch(/learned spam\s+2/);
  });

  it('usage errors: unknown command, missing paths, unknown flag and unconfirmed reset exit 2', async () => {
    const err = stream();
    const ctx = { db: t.db, options: defaultSpamOptions(), out: stream().s, err: err.s };
    expect(await runSpamCommand(['fly'], ctx)).toBe(2);
    expect(await runSpamCommand(['train'], ctx)).toBe(2);
    expect(await runSpamCommand(['train', '--bogus'], ctx)).toBe(2);
    expect(await runSpamCommand(['train', '--ham', '/nonexistent/intake-mail'], ctx)).toBe(2);
    expect(await runSpamCommand(['reset'], ctx)).toBe(2);
    expect(err.text()).toContain('confirm with --yes');
    expect(err.text()).toContain('usage:');
  });

  it('reset --yes: forgets the model', async () => {
    const out = stream();
    const ctx = { db: t.db, options: defaultSpamOptions(), out: out.s, err: stream().s };
    await runSpamCommand(['train', '--ham', writeFolder('h', ['hello'])], ctx);
    expect(await runSpamCommand(['reset', '--yes'], ctx)).toBe(0);
    await runSpamCommand(['stats'], ctx);
    expect(out.text()).toMatch(/learned ham\s+0/);
  });
});
