// Reads a message file straight into shared memory, as the Gmail source delivers raw mail
// (google/gmail-api.ts), so no second copy of a large message exists in the process.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export function readShared(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const bytes = Buffer.from(new SharedArrayBuffer(fstatSync(fd).size));
    let at = 0;
    while (at < bytes.length) at += readSync(fd, bytes, at, bytes.length - at, at);
    return bytes;
  } finally {
    closeSync(fd);
  }
}
