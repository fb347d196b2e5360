// The messages between the ingest thread and its analyse workers, and the repair of what
// structured cloning changes on the way (a Buffer arrives as a plain Uint8Array).
import type { SpamOptions } from '../../spam/spam-options.js';
import type { ParseLimits } from '../parse/parse-mail.js';
import type { Analysis } from '../analyse.js';
import type { HtmlOptions } from '../mail-options.js';

export interface WorkerSetup {
  limits: ParseLimits;
  /** null: no spam filter, every verdict is null. */
  spam: { dbFile: string; options: SpamOptions } | null;
  /** How to sanitise HTML for agents; null: the ingest thread does it (MailHandling.body). */
  html: HtmlOptions | null;
}

export interface AnalyseRequest {
  id: number;
  raw: Uint8Array;
  labelIds: readonly string[];
}

/** The ingest thread changed the spam model: read its generation before the next verdict. */
export interface ModelChanged {
  modelChanged: true;
}

export type ToWorker = AnalyseRequest | ModelChanged;

export type AnalyseResponse =
  | { id: number; ok: true; analysis: Analysis }
  | { id: number; ok: false; name: string; message: string }
  /** Sent once the worker has loaded its code and opened the model. */
  | { id: 0; ready: true };

/** Attachment bytes come back as Uint8Array views; the rest of ingest expects Buffers. */
export function reviveAnalysis(analysis: Analysis): Analysis {
  for (const a of analysis.message.attachments) {
    if (a.content !== null && !Buffer.isBuffer(a.content)) {
      const u8 = a.content as Uint8Array;
      a.content = Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
    }
  }
  return analysis;
}
