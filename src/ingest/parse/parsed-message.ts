// The shape every later ingest step reads a message through. Kept apart from the parser so that
// guard, spam and threading code can depend on the types without pulling in mailparser.

export interface Address {
  /** Lower-cased; '' when the header named no readable address. */
  address: string;
  name: string;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  /** Decoded size in bytes, also when the content was dropped. */
  size: number;
  /** Hex SHA-256 of the decoded content, also when the content was dropped. */
  sha256: string;
  /** null when over ingest.maxAttachmentBytes. */
  content: Buffer | null;
  omittedReason: string | null;
  /** Content-ID without angle brackets. */
  contentId: string | null;
  inline: boolean;
}

export interface ParsedMessage {
  /** Angle brackets stripped, e.g. 'abc@host'. */
  messageId: string | null;
  /** First id of In-Reply-To, brackets stripped. */
  inReplyTo: string | null;
  /** Ids of References in order, brackets stripped. */
  references: string[];
  /** Decoded; '' when absent. */
  subject: string;
  from: Address | null;
  replyTo: Address | null;
  to: Address[];
  cc: Address[];
  /** ms since epoch; null when absent or unparseable. */
  date: number | null;
  /** Plain text body; derived from HTML when only HTML exists; '' when none. */
  text: string;
  html: string | null;
  /** Lower-case name -> unfolded, undecoded values in message order. */
  headers: ReadonlyMap<string, string[]>;
  attachments: ParsedAttachment[];
  sizeBytes: number;
  /** What could not be read, in an operator's words; never message content. */
  problems: string[];
}
