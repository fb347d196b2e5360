// A small pure POSIX ustar writer (no dependency): regular files only, names of at most
// 100 bytes, which is all a subject export needs. Any `tar` program reads the result.
export interface TarEntry {
  name: string;
  data: Buffer;
  mtime: Date;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

export function tarHeader(entry: TarEntry): Buffer {
  const name = Buffer.from(entry.name, 'utf8');
  if (name.length === 0 || name.length > 100) throw new Error(`tar entry name must be 1-100 bytes: ${entry.name}`);
  const h = Buffer.alloc(BLOCK, 0);
  name.copy(h, 0);
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(entry.data.length, 12), 124, 'ascii');
  h.write(octal(Math.floor(entry.mtime.getTime() / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\u000000', 257, 'binary');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(tarHeader(e), e.data);
    const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}

/** Reads what writeTar wrote (for verification and tests): name -> data. */
export function readTar(archive: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  while (off + BLOCK <= archive.length) {
    const h = archive.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim(), 8);
    off += BLOCK;
    out.set(name, Buffer.from(archive.subarray(off, off + size)));
    off += Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}

/** A file name safe inside the archive: no directories, no control characters, bounded length. */
export function safeEntryName(prefix: string, filename: string): string {
  const clean =
    [...filename]
      .map((ch) => (ch === '/' || ch === '\\' || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? '_' : ch))
      .join('')
      .replace(/^\.+/, '_') || 'file';
  const room = 100 - Buffer.byteLength(prefix, 'utf8');
  let out = clean;
  while (Buffer.byteLength(out, 'utf8') > room) out = out.slice(0, -1);
  return prefix + out;
}
