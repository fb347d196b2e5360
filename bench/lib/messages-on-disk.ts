// The split written out as one file a message in a temp dir: bogofilter reads these paths,
// and Intake's end-to-end timing reads the very same files, so both pay for the read.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabelledMessage } from './labelled-corpus.js';

export interface MessagesOnDisk {
  train: string[];
  test: string[];
  remove(): void;
}

export function writeSplit(train: readonly LabelledMessage[], test: readonly LabelledMessage[]): MessagesOnDisk {
  const dir = mkdtempSync(join(tmpdir(), 'intake-bench-mail-'));
  const write = (sub: string, messages: readonly LabelledMessage[]): string[] => {
    mkdirSync(join(dir, sub));
    return messages.map((m, i) => {
      const file = join(dir, sub, `${i}.eml`);
      writeFileSync(file, m.raw);
      return file;
    });
  };
  return { train: write('train', train), test: write('test', test), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
