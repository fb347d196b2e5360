// Raw messages out of the three ways people keep mail on disk: an mbox file, a Maildir
// (cur/ and new/), or a folder of one-message files (.eml or any name), recursively.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface RawMessage {
  /** file path, or `mbox-path#n` for the n-th message of an mbox */
  source: string;
  raw: Buffer;
}

export type CorpusKind = 'mbox' | 'maildir' | 'folder';

export async function detectCorpusKind(path: string): Promise<CorpusKind> {
  const info = await stat(path);
  if (info.isFile()) return 'mbox';
  const names = new Set(await readdir(path));
  return names.has('cur') || names.has('new') ? 'maildir' : 'folder';
}

export async function* readCorpus(path: string): AsyncGenerator<RawMessage> {
  const kind = await detectCorpusKind(path);
  if (kind === 'mbox') {
    yield* readMbox(path);
    return;
  }
  const roots = kind === 'maildir' ? ['cur', 'new'].map((d) => join(path, d)) : [path];
  for (const root of roots) {
    for (const file of await listFiles(root)) yield { source: file, raw: await readFile(file) };
  }
}

/** Every regular, non-hidden file under dir, sorted so runs are repeatable. */
export async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .filter(
      (p) =>
        !p
          .slice(dir.length)
          .split('/')
          .some((part) => part.startsWith('.')),
    )
    .sort();
}

/** Streams an mbox, splitting at "From " lines and undoing mboxrd ">From " quoting. */
export async function* readMbox(file: string): AsyncGenerator<RawMessage> {
  // Chunks are only joined once a separator shows up, so a huge message costs linear copying.
  let parts: Buffer[] = [];
  let tail = Buffer.alloc(0);
  let index = 0;
  for await (const chunk of createReadStream(file)) {
    const data = chunk as Buffer;
    parts.push(data);
    const probe = Buffer.concat([tail, data.subarray(0, 8)]);
    if (data.indexOf(SEPARATOR) < 0 && probe.indexOf(SEPARATOR) < 0) {
      tail = Buffer.from(data.subarray(-5));
      continue;
    }
    let pending = Buffer.concat(parts);
    for (let cut = pending.indexOf(SEPARATOR, 1); cut >= 0; cut = pending.indexOf(SEPARATOR, 1)) {
      yield { source: `${file}#${index++}`, raw: unquoteMbox(pending.subarray(0, cut)) };
      pending = pending.subarray(cut + 1);
    }
    parts = [pending];
    tail = Buffer.from(pending.subarray(-5));
  }
  const last = Buffer.concat(parts);
  if (last.length > 0) yield { source: `${file}#${index}`, raw: unquoteMbox(last) };
}

const SEPARATOR = '\nFrom ';

function unquoteMbox(message: Buffer): Buffer {
  const start = message.subarray(0, 5).toString('latin1') === 'From ' ? message.indexOf('\n') + 1 : 0;
  const body = message
    .subarray(start)
    .toString('latin1')
    .replace(/^>(>*From )/gm, '$1');
  return Buffer.from(body, 'latin1');
}
