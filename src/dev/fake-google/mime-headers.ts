// RFC 5322 header blocks: splitting head from body, unfolding, RFC 2047/2231
// decoding and parameter parsing. Needed for threading, metadata and payloads.

export interface Header {
  name: string;
  value: string;
}

export interface HeadAndBody {
  headers: Header[];
  body: Buffer;
}

/** Splits at the first empty line (CRLF or bare LF, both occur in real mail). */
export function splitHeadBody(raw: Buffer): HeadAndBody {
  if (startsWithBlankLine(raw)) return { headers: [], body: raw.subarray(raw[0] === 0x0d ? 2 : 1) };
  let end = -1;
  let skip = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0x0a) continue;
    if (raw[i + 1] === 0x0a) {
      end = i + 1;
      skip = 1;
      break;
    }
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) {
      end = i + 1;
      skip = 2;
      break;
    }
  }
  if (end < 0) return { headers: parseHeaders(raw.toString('latin1')), body: Buffer.alloc(0) };
  return { headers: parseHeaders(raw.subarray(0, end).toString('latin1')), body: raw.subarray(end + skip) };
}

/** A message that starts with an empty line has no headers at all. */
function startsWithBlankLine(raw: Buffer): boolean {
  return raw[0] === 0x0a || (raw[0] === 0x0d && raw[1] === 0x0a);
}

function parseHeaders(text: string): Header[] {
  const headers: Header[] = [];
  for (const line of text.split(/\r?\n/)) {
    const last = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    // The mbox "From " separator line and other junk carry no colon-delimited field name.
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) continue;
    headers.push({ name: line.slice(0, colon), value: line.slice(colon + 1).trim() });
  }
  for (const h of headers) h.value = decodeWords(bytesAsUtf8(h.value));
  return headers;
}

/** Headers were read as latin1 to keep bytes; raw 8-bit UTF-8 headers are common, so re-decode. */
function bytesAsUtf8(value: string): string {
  if (!/[\x80-\xff]/.test(value)) return value;
  const bytes = Buffer.from(value, 'latin1');
  const text = bytes.toString('utf8');
  return text.includes('\ufffd') ? value : text;
}

export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset?.toLowerCase() || 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** RFC 2047 encoded words; whitespace between adjacent encoded words is dropped. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_m, charset: string, enc: string, text: string) => {
      const cs = charset.split('*')[0];
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text.replace(/_/g, ' ').replace(/=([0-9a-fA-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            );
      return decodeCharset(bytes, cs);
    });
}

export function headerValue(headers: Header[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

export interface StructuredValue {
  value: string;
  params: Record<string, string>;
}

/** Content-Type / Content-Disposition: `type; key=value; key*=utf-8''pct`. */
export function parseStructured(raw: string | undefined): StructuredValue {
  const parts = splitParams(raw ?? '');
  const params: Record<string, string> = {};
  for (const part of parts.slice(1)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let val = part.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"')) val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    if (key.endsWith('*')) {
      const m = /^([^']*)'[^']*'(.*)$/.exec(val);
      const bytes = Buffer.from(
        (m?.[2] ?? val).replace(/%([0-9a-fA-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      );
      params[key.slice(0, -1)] = decodeCharset(bytes, m?.[1] || 'utf-8');
    } else {
      params[key] = decodeWords(val);
    }
  }
  return { value: (parts[0] ?? '').trim().toLowerCase(), params };
}

/** Splits on semicolons outside quotes. */
function splitParams(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}
